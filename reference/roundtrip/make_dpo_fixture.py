"""DPO in TRL's semantics on an adapter `finetune train --objective dpo` wrote (committed under
test/fixtures/roundtrip/dpo/adapter/): TRL's own DPOTrainer evaluates the PEFT model on the committed preference file
(reference = the base with the adapter disabled: what TRL uses for a run it starts with a fresh adapter, and what
this adapter's run started from), and the script
also recomputes the per-pair log-probs by hand from transformers + PEFT as a cross-check. Writes
test/fixtures/roundtrip/dpo/expected.json; `finetune eval --model … --adapter … --data …` must report the same.

Usage (from the repository root):
  node --import tsx cli/src/main.ts init-model --arch qwen2 --size tiny --out /tmp/qwen2-tiny
  (the adapter: finetune train --model /tmp/qwen2-tiny --data test/fixtures/roundtrip/dpo/preferences.jsonl
   --objective dpo --method lora --target-modules q_proj,v_proj,lm_head --rank 4 --alpha 8 --steps 15 --lr 1e-2
   --batch-size 4 --out /tmp/dpo-run; /tmp/dpo-run/adapter copied here)
  /opt/hfvenv/bin/python reference/roundtrip/make_dpo_fixture.py /tmp/qwen2-tiny
"""
import json
import os
import sys
import tempfile

import datasets
import peft
import torch
import transformers
import trl

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(ROOT, "test", "fixtures", "roundtrip", "dpo")
BETA = 0.1


def completion_logprob(model, tokenizer, prompt, answer):
    """TRL's reading: template(prompt + answer) after template(prompt, add_generation_prompt=True)."""
    prompt_ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    full_ids = tokenizer.apply_chat_template(prompt + answer, tokenize=True, return_dict=True)["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([full_ids])).logits[0].float()
    table = torch.log_softmax(logits, -1)
    return sum(float(table[t - 1, full_ids[t]]) for t in range(len(prompt_ids), len(full_ids)))


def main(model_dir):
    torch.manual_seed(0)
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    base = transformers.AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32)
    model = peft.PeftModel.from_pretrained(base, os.path.join(FIXTURE, "adapter"))
    model.eval()
    records = [json.loads(line) for line in open(os.path.join(FIXTURE, "preferences.jsonl"))]

    # by hand: policy = with the adapter, reference = adapter disabled
    pairs = []
    for index, record in enumerate(records):
        policy = [completion_logprob(model, tokenizer, record["prompt"], record[side]) for side in ("chosen", "rejected")]
        with model.disable_adapter():
            reference = [completion_logprob(model, tokenizer, record["prompt"], record[side]) for side in ("chosen", "rejected")]
        pairs.append({"line": index, "policy": policy, "reference": reference})
    chosen = torch.tensor([BETA * (p["policy"][0] - p["reference"][0]) for p in pairs], dtype=torch.float64)
    rejected = torch.tensor([BETA * (p["policy"][1] - p["reference"][1]) for p in pairs], dtype=torch.float64)
    by_hand = {
        "loss": float(-torch.nn.functional.logsigmoid(chosen - rejected).mean()),
        "rewardsChosen": float(chosen.mean()),
        "rewardsRejected": float(rejected.mean()),
        "margin": float((chosen - rejected).mean()),
        "rewardsAccuracy": float((chosen > rejected).double().mean()),
    }

    # TRL's own trainer, evaluating the same PEFT model (one batch holding every pair)
    with tempfile.TemporaryDirectory() as out:
        config = trl.DPOConfig(output_dir=out, beta=BETA, per_device_eval_batch_size=len(records), max_length=None, report_to=[], use_cpu=True, bf16=False, fp16=False)
        trainer = trl.DPOTrainer(model=model, args=config, train_dataset=datasets.Dataset.from_list(records), eval_dataset=datasets.Dataset.from_list(records), processing_class=tokenizer)
        # Given a PEFT model, TRL copies its adapter as the reference ("ref"): right when training starts from it,
        # but here the adapter is the result. Its run started from B = 0, i.e. the base: without "ref", TRL's
        # reference is the model with adapters disabled, as for a run it starts itself.
        trainer.model.delete_adapter("ref")
        metrics = trainer.evaluate()
    trl_metrics = {
        "loss": metrics["eval_loss"],
        "rewardsChosen": metrics["eval_rewards/chosen"],
        "rewardsRejected": metrics["eval_rewards/rejected"],
        "margin": metrics["eval_rewards/margins"],
        "rewardsAccuracy": metrics["eval_rewards/accuracies"],
    }
    expected = {
        "writtenBy": f"torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}, trl {trl.__version__}",
        "beta": BETA,
        "trl": trl_metrics,
        "byHand": by_hand,
        "pairs": pairs,
    }
    with open(os.path.join(FIXTURE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(json.dumps({"trl": trl_metrics, "byHand": by_hand}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
