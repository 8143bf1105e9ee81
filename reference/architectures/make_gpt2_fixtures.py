"""GPT-2 fixtures from transformers + PEFT themselves (seeded, deterministic), so `npm test` checks our GPT-2 graph
and PEFT's fan_in_fan_out LoRA layout without Python. Writes under test/fixtures:

  golden/gpt2/                 a tiny random GPT2LMHeadModel as save_pretrained writes it (Conv1D weights [in, out],
                               tied lm_head, gelu_new) and its logits (golden.json, the shared golden runner's format).
  roundtrip/peft-gpt2/         a PEFT LoRA adapter on c_attn, c_proj and c_fc of that model (PEFT sets
                               fan_in_fan_out=True for Conv1D) with PEFT's per-token log-probs (expected.json).

Usage: /opt/hfvenv/bin/python reference/architectures/make_gpt2_fixtures.py   (from the repository root)
"""
import json
import math
import os
import shutil
import warnings

import peft
import torch
import transformers
from safetensors import safe_open

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]


def versions():
    return {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__}


def randomise(model, seed):
    """Larger than a real init so logits are of order one and a slip (a transposed weight, a missing bias) shows."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if ".ln_" in name and name.endswith("weight"):
                parameter.copy_(1 + 0.2 * noise)
            elif name.endswith("bias"):
                parameter.copy_(0.3 * noise)
            elif "wte" in name or "wpe" in name:
                parameter.copy_(0.25 * noise)
            else:
                parameter.copy_(noise / math.sqrt(parameter.shape[0]))  # Conv1D: [in, out]


def write_golden(out):
    config = transformers.GPT2Config(vocab_size=128, n_positions=64, n_embd=32, n_layer=2, n_head=4, bos_token_id=1,
                                     eos_token_id=2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = transformers.GPT2LMHeadModel(config).eval()
    randomise(model, 13)
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out, safe_serialization=True)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(out, attn_implementation="eager").eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            logits = loaded(torch.tensor([ids])).logits[0]
            sequences.append({"ids": ids, "logits": [[round(float(v), 6) for v in row] for row in logits]})
    checks = {}
    with safe_open(os.path.join(out, "model.safetensors"), "pt") as f:
        keys = sorted(f.keys())
        for name in ["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight", "transformer.h.1.mlp.c_proj.bias"]:
            t = f.get_tensor(name).float()
            checks[name] = {"shape": list(t.shape), "sum": round(float(t.sum()), 6), "first": [float(x) for x in t.flatten()[:4]]}
    golden = {
        "variant": "gpt2", "modelType": "gpt2", "weightsDtype": "F32", "tolerance": 1e-4,
        "features": ["Conv1D weights [in, out]", "fused c_attn", "learned positions", "LayerNorm with bias", "gelu_new", "tied lm_head", "transformers-written"],
        "generator": "reference/architectures/make_gpt2_fixtures.py", "versions": versions(), "tensors": keys, "tensorChecks": checks,
        "sequences": sequences,
    }
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    return model


def write_peft(model, out):
    adapter_dir = os.path.join(out, "adapter")
    shutil.rmtree(out, ignore_errors=True)
    lora = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn", "c_proj", "c_fc"], lora_dropout=0.0,
                           init_lora_weights=False, task_type="CAUSAL_LM")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "fan_in_fan_out is set to False but the target module is Conv1D"
        tuned = peft.get_peft_model(model, lora)
    assert tuned.peft_config["default"].fan_in_fan_out, "PEFT no longer sets fan_in_fan_out for Conv1D"
    generator = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, parameter in tuned.named_parameters():
            if "lora_" in name:
                parameter.copy_(0.3 * torch.randn(parameter.shape, generator=generator))
    tuned.save_pretrained(adapter_dir)
    os.remove(os.path.join(adapter_dir, "README.md"))  # PEFT's model-card template, nothing the tests read
    with safe_open(os.path.join(adapter_dir, "adapter_model.safetensors"), "pt") as f:
        keys = {k: list(f.get_slice(k).get_shape()) for k in sorted(f.keys())}
    tuned.eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            logprobs = torch.log_softmax(tuned(input_ids=torch.tensor([ids])).logits[0].float(), -1)
            token = [None] + [round(float(logprobs[t - 1, ids[t]]), 7) for t in range(1, len(ids))]
            sequences.append({"ids": ids, "logprobs": token})
    expected = {"generator": "reference/architectures/make_gpt2_fixtures.py", "versions": versions(), "base": "../../golden/gpt2",
                "adapterTensors": keys, "tolerance": 1e-4, "sequences": sequences}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    torch.manual_seed(0)
    base = write_golden(os.path.join(FIXTURES, "golden", "gpt2"))
    write_peft(base, os.path.join(FIXTURES, "roundtrip", "peft-gpt2"))
    print("ok")
