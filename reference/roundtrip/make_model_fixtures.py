"""Golden fixtures from the real Hugging Face stack (transformers + PEFT), so `npm test` pins the round trip without
Python. Writes, deterministically (seeded), under test/fixtures:

  golden/qwen2-sliding-window/   Qwen2 with use_sliding_window, window 4 from max_window_layers=1 on (no layer_types
                                 in config.json, like Qwen2/2.5 checkpoints): transformers applies the window to
                                 layers 1 and 2 only.
  golden/qwen2-layer-types/      the same with an explicit layer_types (sliding, full, sliding), as transformers 5
                                 writes it; layer_types wins over max_window_layers.
  roundtrip/peft-lm-head/        a tiny Llama (base/), a PEFT LoRA adapter on q_proj, v_proj and lm_head saved with
                                 PEFT's default save_embedding_layers='auto' (so it also holds
                                 base_model.model.lm_head.base_layer.weight), and PEFT's per-token log-probs.

Usage: /opt/hfvenv/bin/python reference/roundtrip/make_model_fixtures.py   (from the repository root)
"""
import json
import math
import os
import sys

import peft
import torch
import transformers
from safetensors import safe_open

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]
TINY = dict(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-6, bos_token_id=1, eos_token_id=2,
            tie_word_embeddings=False)


def randomise(model, seed):
    """Larger than a real init so logits are of order one and a semantic slip (one layer windowed or not) shows."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if "norm" in name:
                parameter.copy_(1 + 0.2 * noise)
            elif name.endswith("bias"):
                parameter.copy_(0.3 * noise)
            elif "embed_tokens" in name:
                parameter.copy_(0.25 * noise)
            else:
                parameter.copy_(noise / math.sqrt(parameter.shape[-1]))


def tensor_checks(folder, names):
    checks = {}
    with safe_open(os.path.join(folder, "model.safetensors"), "pt") as f:
        for name in names:
            t = f.get_tensor(name).float()
            checks[name] = {"shape": list(t.shape), "sum": round(float(t.sum()), 6), "first": [float(x) for x in t.flatten()[:4]]}
    return checks


def versions():
    return {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__}


def write_sliding_window(name, extra, drop_layer_types, features):
    out = os.path.join(FIXTURES, "golden", name)
    os.makedirs(out, exist_ok=True)
    config = transformers.Qwen2Config(**TINY, use_sliding_window=True, sliding_window=4, rope_theta=1000000.0, **extra)
    model = transformers.Qwen2ForCausalLM(config).eval()
    randomise(model, 11)
    model.save_pretrained(out, safe_serialization=True)
    config_file = os.path.join(out, "config.json")
    with open(config_file) as f:
        saved = json.load(f)
    if drop_layer_types:
        # Qwen2/2.5 checkpoints carry max_window_layers only; transformers derives layer_types from it on load.
        del saved["layer_types"]
    with open(config_file, "w") as f:
        json.dump(saved, f, indent=2, sort_keys=True)
        f.write("\n")
    # Logits of the model as transformers loads the saved folder (eager attention: the plain mask semantics).
    loaded = transformers.AutoModelForCausalLM.from_pretrained(out, attn_implementation="eager").eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            logits = loaded(torch.tensor([ids])).logits[0]
            sequences.append({"ids": ids, "logits": [[round(float(v), 6) for v in row] for row in logits]})
    golden = {
        "variant": name, "modelType": "qwen2", "weightsDtype": "F32", "features": features, "tolerance": 1e-4,
        "generator": "reference/roundtrip/make_model_fixtures.py", "versions": versions(),
        "layerTypes": loaded.config.layer_types,
        "tensorChecks": tensor_checks(out, ["model.embed_tokens.weight", "model.layers.1.self_attn.q_proj.bias", "lm_head.weight"]),
        "sequences": sequences,
    }
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print(name, loaded.config.layer_types)


def write_peft_lm_head():
    out = os.path.join(FIXTURES, "roundtrip", "peft-lm-head")
    base_dir, adapter_dir = os.path.join(out, "base"), os.path.join(out, "adapter")
    config = transformers.LlamaConfig(**{**TINY, "num_hidden_layers": 2})
    model = transformers.LlamaForCausalLM(config).eval()
    randomise(model, 5)
    model.save_pretrained(base_dir, safe_serialization=True)
    lora = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "lm_head"], lora_dropout=0.0,
                           init_lora_weights=False, task_type="CAUSAL_LM")
    tuned = peft.get_peft_model(model, lora)
    generator = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, parameter in tuned.named_parameters():
            if "lora_" in name:
                parameter.copy_(0.3 * torch.randn(parameter.shape, generator=generator))
    tuned.save_pretrained(adapter_dir)  # save_embedding_layers='auto' (the default)
    os.remove(os.path.join(adapter_dir, "README.md"))  # PEFT's model-card template, nothing the tests read
    with safe_open(os.path.join(adapter_dir, "adapter_model.safetensors"), "pt") as f:
        keys = sorted(f.keys())
    assert "base_model.model.lm_head.base_layer.weight" in keys, keys
    # PEFT's log-probs, from the folders as PEFT loads them.
    base = transformers.AutoModelForCausalLM.from_pretrained(base_dir)
    loaded = peft.PeftModel.from_pretrained(base, adapter_dir).eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            logprobs = torch.log_softmax(loaded(input_ids=torch.tensor([ids])).logits[0].float(), -1)
            token = [None] + [round(float(logprobs[t - 1, ids[t]]), 7) for t in range(1, len(ids))]
            sequences.append({"ids": ids, "logprobs": token})
    expected = {"generator": "reference/roundtrip/make_model_fixtures.py", "versions": versions(), "adapterTensors": keys,
                "tolerance": 1e-4, "sequences": sequences}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("peft-lm-head", keys)


if __name__ == "__main__":
    torch.manual_seed(0)
    write_sliding_window("qwen2-sliding-window", dict(max_window_layers=1), True,
                         ["use_sliding_window", "sliding_window 4", "max_window_layers 1 (layers 1, 2 windowed)", "transformers-written"])
    write_sliding_window("qwen2-layer-types", dict(max_window_layers=0, layer_types=["sliding_attention", "full_attention", "sliding_attention"]), False,
                         ["use_sliding_window", "sliding_window 4", "layer_types sliding, full, sliding", "transformers-written"])
    write_peft_lm_head()
    sys.exit(0)
