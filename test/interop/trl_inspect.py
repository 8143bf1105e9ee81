"""What TRL itself makes of an exported recipe folder, for test/interop/trl-recipe.interop.ts (run from the folder).

Prints one JSON object:
- records: for each training record, the input_ids and labels TRL's SFTTrainer builds from sft.yaml (parsed by
  TRL's own TrlParser, the dataset loaded as trl/scripts/sft.py loads it): the tokens that carry TRL's loss;
- launch: how `trl sft` splits launch.sh's command line between accelerate and the training script, and what
  `accelerate launch` parses from it;
- accelerate_configs: each accelerate/*.yaml loaded by Accelerate's own config loader.
"""

import dataclasses
import glob
import json
import shlex
import sys


def trainer_records():
    from datasets import load_dataset
    from trl import SFTTrainer, get_peft_config, get_quantization_config
    from trl.scripts.sft import make_parser

    script_args, training_args, model_args, _ = make_parser().parse_args_and_config(["--config", "sft.yaml"])
    dataset = load_dataset(script_args.dataset_name)
    trainer = SFTTrainer(
        model=model_args.model_name_or_path,
        args=training_args,
        train_dataset=dataset[script_args.dataset_train_split],
        eval_dataset=dataset[script_args.dataset_test_split] if training_args.eval_strategy != "no" else None,
        quantization_config=get_quantization_config(model_args),
        peft_config=get_peft_config(model_args),
    )
    return [{"input_ids": row["input_ids"], "labels": row["labels"]} for row in trainer.train_dataset]


def parsed_config():
    """sft.yaml as TRL's parser reads it: the values the run's hyperparameters must arrive as."""
    from trl.scripts.sft import make_parser

    script_args, training_args, model_args, _ = make_parser().parse_args_and_config(["--config", "sft.yaml"])
    training = ["learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_steps", "max_steps", "num_train_epochs",
                "per_device_train_batch_size", "gradient_accumulation_steps", "max_length", "seed", "weight_decay",
                "adam_beta1", "adam_beta2", "adam_epsilon", "max_grad_norm", "completion_only_loss", "eval_steps"]
    model = ["model_name_or_path", "use_peft", "lora_r", "lora_alpha", "lora_dropout", "lora_target_modules", "use_rslora", "load_in_4bit"]
    values = {name: getattr(training_args, name) for name in training} | {name: getattr(model_args, name) for name in model}
    values["lr_scheduler_type"] = str(getattr(training_args.lr_scheduler_type, "value", training_args.lr_scheduler_type))
    return values


def launch_split():
    from accelerate.commands.launch import launch_command_parser
    from trl.cli.accelerate_config import resolve_accelerate_config_argument
    from trl.cli.commands.training import _subtract_subsequence
    from trl import SFTConfig
    from trl.scripts.sft import make_parser

    line = next(line for line in open("launch.sh") if line.startswith("exec trl sft "))
    line = line.replace("${STRATEGY}", "zero3").replace("${GPUS}", "4")
    argv = shlex.split(line)[3:]  # after `exec trl sft`, as trl's CLI sees them
    # `--bf16 true` fails SFTConfig's validation on a machine without a GPU: check it names a field, parse the rest.
    bf16 = argv.index("--bf16")
    assert argv[bf16 + 1] == "true" and "bf16" in {field.name for field in dataclasses.fields(SFTConfig)}
    argv = argv[:bf16] + argv[bf16 + 2 :]
    *_, config_remaining, cli_remaining = make_parser(prog="trl sft").parse_args_and_config(
        argv, return_remaining_strings=True, separate_remaining_strings=True
    )
    launch_args = resolve_accelerate_config_argument(config_remaining + cli_remaining)
    script_args = _subtract_subsequence(argv, cli_remaining)
    parsed = launch_command_parser().parse_args(launch_args + ["sft.py"] + script_args)
    return {
        "launch_args": launch_args,
        "script_args": script_args,
        "config_file": parsed.config_file,
        "num_processes": parsed.num_processes,
    }


def accelerate_configs():
    from accelerate.commands.config.config_args import load_config_from_file

    loaded = {}
    for path in sorted(glob.glob("accelerate/*.yaml")):
        config = load_config_from_file(path)
        loaded[path] = {"distributed_type": str(config.distributed_type), "num_processes": config.num_processes}
    return loaded


if __name__ == "__main__":
    result = {"records": trainer_records(), "config": parsed_config(), "launch": launch_split(), "accelerate_configs": accelerate_configs()}
    sys.stdout.write("\n@@JSON@@" + json.dumps(result) + "\n")
