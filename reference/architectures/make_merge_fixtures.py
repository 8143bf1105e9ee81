"""PEFT's merge_and_unload of the committed LoRA adapters on GPT-2, Gemma 2, Gemma 3 text and Phi-3, so `npm test`
checks that `finetune export --format hf` writes PEFT's merged weights (no Python at test time). Writes
test/fixtures/roundtrip/peft-merged.json: for each architecture, every tensor of the merged model as save_pretrained
writes it (name, shape and three checksums: sum, sum of |x|, and a position-weighted sum that catches transposed or
misplaced values) and the merged model's log-probs of one sequence longer than the sliding window of 4.

GPT-2's adapter is fan_in_fan_out (Conv1D weights stored [in, out]): PEFT adds the transposed delta. GPT-2 and Gemma tie
lm_head to the embeddings; none of these adapters targets lm_head (PEFT would merge into the shared weight in place,
changing the embeddings too — `finetune export` refuses such an adapter).

Usage: /opt/hfvenv/bin/python reference/architectures/make_merge_fixtures.py   (from the repository root)
"""
import json
import os
import tempfile

import peft
import torch
import transformers
from safetensors.torch import load_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
ARCHES = ["gpt2", "gemma2", "gemma3-text", "phi3"]
IDS = [1, 17, 93, 4, 56, 120, 8, 33, 71, 2, 64, 99]


def weights(count):
    """((i·7919) mod 13) − 6 for i = 0 … count−1, the same in the TypeScript test."""
    return (torch.arange(count, dtype=torch.float64) * 7919 % 13) - 6


def checksums(tensor):
    flat = tensor.detach().to(torch.float64).flatten()
    return {"shape": list(tensor.shape), "sum": float(flat.sum()), "abs": float(flat.abs().sum()),
            "weighted": float((flat * weights(flat.numel())).sum())}


def merged(arch):
    base = os.path.join(FIXTURES, "golden", arch)
    adapter = os.path.join(FIXTURES, "roundtrip", f"peft-{arch}", "adapter")
    # Eager attention: SDPA has no soft-capping and would silently skip it.
    model = transformers.AutoModelForCausalLM.from_pretrained(base, attn_implementation="eager")
    model = peft.PeftModel.from_pretrained(model, adapter).merge_and_unload().eval()
    with tempfile.TemporaryDirectory() as out:
        model.save_pretrained(out, safe_serialization=True)
        tensors = load_file(os.path.join(out, "model.safetensors"))
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=torch.tensor([IDS])).logits[0].float(), -1)
    return {
        "tensors": {name: checksums(tensor) for name, tensor in sorted(tensors.items())},
        "logprobs": [None] + [round(float(logprobs[t - 1, IDS[t]]), 7) for t in range(1, len(IDS))],
        "tieWordEmbeddings": bool(model.config.tie_word_embeddings),
    }


if __name__ == "__main__":
    fixture = {
        "generator": "reference/architectures/make_merge_fixtures.py",
        "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
        "weights": "((i * 7919) mod 13) - 6 over the flattened tensor in stored order",
        "ids": IDS,
        "architectures": {arch: merged(arch) for arch in ARCHES},
    }
    with open(os.path.join(FIXTURES, "roundtrip", "peft-merged.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
