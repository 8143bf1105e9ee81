"""The engine → PEFT direction of the round trip: adapters written by `finetune train` (committed under
test/fixtures/roundtrip/ours-to-peft/: lora/ — rsLoRA r=4 on q/v/o/down_proj and lm_head —, prompt/ — 5 virtual
tokens —, ptuning/ — P-tuning, MLP encoder of hidden size 32, 5 virtual tokens — and prefix/ — prefix tuning with
the projection MLP of width 16, 5 virtual tokens), loaded by
PeftModel.from_pretrained on init-model's tiny qwen2, give these per-token log-probs for a few texts (tokenized by
transformers). Writes ours-to-peft/expected.json; `finetune score` must give the same.

Usage (from the repository root):
  node --import tsx cli/src/main.ts init-model --arch qwen2 --size tiny --out /tmp/qwen2-tiny
  (the adapters: finetune train --model /tmp/qwen2-tiny --data test/fixtures/roundtrip/peft-steps/data.jsonl
   --method lora --target-modules q_proj,v_proj,o_proj,down_proj,lm_head --rank 4 --alpha 8 --rslora --steps 10
   --lr 1e-2 --batch-size 8, --method prompt --virtual-tokens 5 --steps 10 --batch-size 8, and --method ptuning
   --encoder-hidden-size 32 --virtual-tokens 5 --steps 10 --lr 1e-2 --batch-size 8, and --method prefix
   --prefix-projection --encoder-hidden-size 16 --virtual-tokens 5 --steps 10 --lr 1e-2 --batch-size 8; adapter/ copied here)
  /opt/hfvenv/bin/python reference/roundtrip/make_export_fixture.py /tmp/qwen2-tiny
"""
import json
import os
import sys

import peft
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "ours-to-peft")
TEXTS = [
    "<|im_start|>user\nHow do I reverse a list in Python?<|im_end|>\n<|im_start|>assistant\nUse slicing: items[::-1].<|im_end|>\n",
    "The quick brown fox jumps over the lazy dog 12 times.",
]


def logprobs(model, ids, skip):
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0, skip:].float()
    table = torch.log_softmax(logits, -1)
    return [None] + [float(table[t - 1, ids[t]]) for t in range(1, len(ids))]


def main(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    cases = []
    for name in ("lora", "prompt", "ptuning", "prefix"):
        base = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
        model = peft.PeftModel.from_pretrained(base, os.path.join(OUT, name)).eval()
        # Prompt tuning's and P-tuning's logits also cover the virtual tokens in front; the real tokens' come after them.
        # (Prefix tuning's prefixes are in the cache, so its logits cover the real tokens only.)
        skip = model.peft_config["default"].num_virtual_tokens if name in ("prompt", "ptuning") else 0
        for text in TEXTS:
            ids = tokenizer.encode(text, add_special_tokens=False)
            cases.append({"adapter": name, "text": text, "ids": ids, "logprobs": logprobs(model, ids, skip)})
        if name == "lora":
            # Merged the way `finetune export` merges: the same numbers from merge_and_unload.
            merged = model.merge_and_unload()
            assert all(abs(a - b) < 1e-5 for a, b in zip(logprobs(merged, cases[-1]["ids"], 0)[1:], cases[-1]["logprobs"][1:]))
    expected = {
        "generator": "reference/roundtrip/make_export_fixture.py",
        "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
        "model": "finetune init-model --arch qwen2 --size tiny (seed 0)",
        "tolerance": 1e-4,
        "cases": cases,
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(len(cases), "cases")


if __name__ == "__main__":
    main(sys.argv[1])
