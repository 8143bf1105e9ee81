"""How `trl <command>` splits an exported launch.sh between `accelerate launch` and the training script, shared by
trl_inspect.py and trl_dpo_inspect.py (imported from beside them; they run from the recipe folder)."""

import dataclasses
import shlex


def launch_split(command, config_class, make_parser, gpus):
    from accelerate.commands.launch import launch_command_parser
    from trl.cli.accelerate_config import resolve_accelerate_config_argument
    from trl.cli.commands.training import _subtract_subsequence

    line = next(line for line in open("launch.sh") if line.startswith(f"exec trl {command} "))
    line = line.replace("${STRATEGY}", "zero3").replace("${GPUS}", str(gpus))
    argv = shlex.split(line)[3:]  # after `exec trl <command>`, as trl's CLI sees them
    # `--bf16 true` fails the config's validation on a machine without a GPU: check it names a field, parse the rest.
    bf16 = argv.index("--bf16")
    assert argv[bf16 + 1] == "true" and "bf16" in {field.name for field in dataclasses.fields(config_class)}
    argv = argv[:bf16] + argv[bf16 + 2 :]
    *_, config_remaining, cli_remaining = make_parser(prog=f"trl {command}").parse_args_and_config(
        argv, return_remaining_strings=True, separate_remaining_strings=True
    )
    launch_args = resolve_accelerate_config_argument(config_remaining + cli_remaining)
    script_args = _subtract_subsequence(argv, cli_remaining)
    parsed = launch_command_parser().parse_args(launch_args + [f"{command}.py"] + script_args)
    return {
        "launch_args": launch_args,
        "script_args": script_args,
        "config_file": parsed.config_file,
        "num_processes": parsed.num_processes,
    }
