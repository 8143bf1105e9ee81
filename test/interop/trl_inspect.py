"""What TRL itself makes of an exported recipe folder, for test/interop/trl-recipe.interop.ts (run from the folder).

Prints one JSON object:
- records: for each training record, the input_ids and labels TRL's SFTTrainer builds from sft.yaml (parsed by
  TRL's own TrlParser, the dataset loaded as trl/scripts/sft.py loads it): the tokens that carry TRL's loss;
- launch: how `trl sft` splits launch.sh's command line between accelerate and the training script, and what
  `accelerate launch` parses from it;
- accelerate_configs: each accelerate/*.yaml loaded by Accelerate's own config loader.
"""

import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trl_launch  # noqa: E402  (beside this file; the script runs from the recipe folder)


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
    from trl import SFTConfig
    from trl.scripts.sft import make_parser

    return trl_launch.launch_split("sft", SFTConfig, make_parser, gpus=4)


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
