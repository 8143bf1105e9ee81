"""Log-probabilities of given token ids under base + PEFT adapter, as transformers and PEFT compute them.

Usage: peft_logprobs.py MODEL_DIR ADAPTER_DIR ID,ID,...  → prints a JSON list [null, logprob of id 1 given id 0, ...],
the shape `finetune score --json` prints, for test/interop/trl-recipe.interop.ts.
"""

import json
import sys

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM

model_dir, adapter_dir, ids = sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[3].split(",")]
model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32), adapter_dir).eval()
with torch.no_grad():
    logits = model(input_ids=torch.tensor([ids])).logits[0].double()
logprobs = torch.log_softmax(logits, dim=-1)
print(json.dumps([None] + [logprobs[position - 1, ids[position]].item() for position in range(1, len(ids))]))
