"""A LoRA run in PyTorch + PEFT that `finetune train --init-adapter` must follow step by step: PEFT initialises the
adapter (its own random A, B = 0) and saves it; AdamW then trains it on the engine's own tokens (from
tokenize_dataset.mts) for a few steps with everything that could differ pinned: one batch holding every example,
constant learning rate, no clipping, no weight decay, no dropout. Writes test/fixtures/roundtrip/peft-steps/:
init-adapter/ (PEFT's initial adapter, with lm_head's base_layer as PEFT saves it) and expected.json (settings,
PEFT's loss at each step). data.jsonl (the first 8 records of examples/chat.jsonl) is the input.

Usage (from the repository root; the model is init-model's deterministic tiny qwen2):
  node --import tsx cli/src/main.ts init-model --arch qwen2 --size tiny --out /tmp/qwen2-tiny
  node --import tsx reference/roundtrip/tokenize_dataset.mts /tmp/qwen2-tiny test/fixtures/roundtrip/peft-steps/data.jsonl > /tmp/tokens.json
  /opt/hfvenv/bin/python reference/roundtrip/make_training_fixture.py /tmp/qwen2-tiny /tmp/tokens.json
"""
import json
import os
import sys

import peft
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "peft-steps")
SETTINGS = {"rank": 4, "alpha": 8, "targetModules": ["q_proj", "v_proj", "lm_head"], "lr": 1e-2, "steps": 6,
            "beta1": 0.9, "beta2": 0.999, "adamEpsilon": 1e-8, "weightDecay": 0.0}


def main(model_dir, tokens_file):
    with open(tokens_file) as f:
        tokens = json.load(f)
    examples = tokens["examples"]
    longest = max(len(example["ids"]) for example in examples)
    pad = lambda row, value: row + [value] * (longest - len(row))  # noqa: E731 — right padding, as the engine pads
    input_ids = torch.tensor([pad(e["ids"], tokens["padId"]) for e in examples])
    attention_mask = torch.tensor([pad([1] * len(e["ids"]), 0) for e in examples])
    labels = torch.tensor([pad([i if t else -100 for i, t in zip(e["ids"], e["trained"])], -100) for e in examples])

    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    config = peft.LoraConfig(r=SETTINGS["rank"], lora_alpha=SETTINGS["alpha"], target_modules=SETTINGS["targetModules"],
                             lora_dropout=0.0, task_type="CAUSAL_LM")
    tuned = peft.get_peft_model(model, config)
    tuned.save_pretrained(os.path.join(OUT, "init-adapter"))
    os.remove(os.path.join(OUT, "init-adapter", "README.md"))
    trainable = [p for p in tuned.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=SETTINGS["lr"], betas=(SETTINGS["beta1"], SETTINGS["beta2"]),
                                  eps=SETTINGS["adamEpsilon"], weight_decay=SETTINGS["weightDecay"])
    losses = []
    tuned.train()
    for _ in range(SETTINGS["steps"]):
        loss = tuned(input_ids=input_ids, attention_mask=attention_mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    expected = {
        "generator": "reference/roundtrip/make_training_fixture.py",
        "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
        "model": "finetune init-model --arch qwen2 --size tiny (seed 0)",
        "examples": len(examples), "targetTokens": int((labels[:, 1:] != -100).sum()),
        "settings": SETTINGS, "losses": losses,
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("losses", losses)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
