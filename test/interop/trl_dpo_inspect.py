"""What TRL itself makes of an exported dpo recipe folder, for test/interop/trl-dpo-recipe.interop.ts (run from it).

Prints one JSON object after @@JSON@@:
- config: dpo.yaml as TRL's own parser for `trl dpo` reads it (trl/scripts/dpo.py's make_parser), the values the
  run's hyperparameters must arrive as;
- launch: how `trl dpo` splits launch.sh's command line between accelerate and the training script;
- records: for each training pair, the prompt_ids, chosen_ids and rejected_ids TRL's DPOTrainer tokenizes from it
  (the dataset loaded as trl/scripts/dpo.py loads it): each side's completion tokens, which its log-probs sum over.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trl_launch  # noqa: E402  (beside this file; the script runs from the recipe folder)


def parse():
    from trl.scripts.dpo import make_parser

    return make_parser().parse_args_and_config(["--config", "dpo.yaml"])


def parsed_config(training_args, model_args):
    training = ["beta", "loss_type", "max_length", "truncation_mode", "disable_dropout", "learning_rate", "lr_scheduler_type",
                "lr_scheduler_kwargs", "warmup_steps", "max_steps", "per_device_train_batch_size", "gradient_accumulation_steps",
                "seed", "weight_decay", "adam_beta1", "adam_beta2", "adam_epsilon", "max_grad_norm", "eval_steps", "eval_strategy",
                "precompute_ref_log_probs"]
    model = ["model_name_or_path", "use_peft", "lora_r", "lora_alpha", "lora_dropout", "lora_target_modules", "use_rslora", "load_in_4bit"]
    values = {name: getattr(training_args, name) for name in training} | {name: getattr(model_args, name) for name in model}
    for name in ("lr_scheduler_type", "eval_strategy"):
        values[name] = str(getattr(values[name], "value", values[name]))
    return values


def trainer_records(script_args, training_args, model_args):
    from datasets import load_dataset
    from trl import DPOTrainer, get_peft_config

    dataset = load_dataset(script_args.dataset_name)
    trainer = DPOTrainer(
        model=model_args.model_name_or_path,
        args=training_args,
        train_dataset=dataset[script_args.dataset_train_split],
        eval_dataset=dataset[script_args.dataset_test_split] if training_args.eval_strategy != "no" else None,
        peft_config=get_peft_config(model_args),
    )
    return [{"prompt_ids": row["prompt_ids"], "chosen_ids": row["chosen_ids"], "rejected_ids": row["rejected_ids"]} for row in trainer.train_dataset]


def launch_split():
    from trl import DPOConfig
    from trl.scripts.dpo import make_parser

    return trl_launch.launch_split("dpo", DPOConfig, make_parser, gpus=2)


if __name__ == "__main__":
    script_args, training_args, model_args, _ = parse()
    result = {"config": parsed_config(training_args, model_args), "launch": launch_split(), "records": trainer_records(script_args, training_args, model_args)}
    sys.stdout.write("\n@@JSON@@" + json.dumps(result) + "\n")
