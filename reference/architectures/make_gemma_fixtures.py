"""Gemma fixtures from transformers and PEFT themselves (seeded, deterministic), so `npm test` checks our Gemma graphs
without Python. Writes under test/fixtures:

  golden/gemma2/           a tiny random Gemma2ForCausalLM as save_pretrained writes it and its logits (golden.json,
                           the shared golden runner's format). Small soft-caps (attention 2, final 3) so that capping
                           bites on logits of order one; window 4 on the alternating sliding layers; head_dim 16 ≠
                           hidden/heads and query_pre_attn_scalar 24 ≠ head_dim so each scale must come from its key.
  roundtrip/peft-gemma2/   a PEFT LoRA adapter on q_proj, v_proj, gate_proj and down_proj of that model with PEFT's
                           per-token log-probs (expected.json).
  golden/gemma3-text/      a tiny random Gemma3ForCausalLM (model_type gemma3_text): q/k norms, per-layer-type RoPE
                           (full: base 1e6 with linear scaling 8; sliding: base 1e4), no soft-capping.
  roundtrip/peft-gemma3-text/  a PEFT LoRA adapter on its q_proj, k_proj, o_proj and up_proj, with PEFT's log-probs.

Logits come from eager attention: SDPA has no soft-capping and would silently skip it.

Usage: /opt/hfvenv/bin/python reference/architectures/make_gemma_fixtures.py   (from the repository root)
"""
import json
import math
import os
import shutil

import peft
import torch
import transformers
from safetensors import safe_open

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]


def randomise(model, seed):
    """Larger than a real init so logits are of order one; Gemma's norm weights are offsets from 1 ((1 + w) scaling)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if "norm" in name:
                parameter.copy_(0.2 * noise)
            elif "embed_tokens" in name:
                parameter.copy_(0.25 * noise / math.sqrt(parameter.shape[-1]))
            else:
                parameter.copy_(noise / math.sqrt(parameter.shape[-1]))


def write(name, model_class, config, features):
    out = os.path.join(FIXTURES, "golden", name)
    model = model_class(config).eval()
    randomise(model, 17)
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
        for tensor in ["model.embed_tokens.weight", "model.layers.0.post_feedforward_layernorm.weight", "model.norm.weight"]:
            t = f.get_tensor(tensor).float()
            checks[tensor] = {"shape": list(t.shape), "sum": round(float(t.sum()), 6), "first": [float(x) for x in t.flatten()[:4]]}
    golden = {
        "variant": name, "modelType": config.model_type, "weightsDtype": "F32", "tolerance": 1e-4, "features": features,
        "generator": "reference/architectures/make_gemma_fixtures.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "layerTypes": loaded.config.layer_types, "tensorChecks": checks, "sequences": sequences,
    }
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print(name, loaded.config.layer_types)
    return out


def write_peft(base_dir, out, targets):
    # Eager attention: SDPA has no soft-capping and would silently skip it.
    model = transformers.AutoModelForCausalLM.from_pretrained(base_dir, attn_implementation="eager")
    shutil.rmtree(out, ignore_errors=True)
    adapter_dir = os.path.join(out, "adapter")
    lora = peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets,
                           lora_dropout=0.0, init_lora_weights=False, task_type="CAUSAL_LM")
    tuned = peft.get_peft_model(model, lora)
    generator = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, parameter in tuned.named_parameters():
            if "lora_" in name:
                parameter.copy_(0.3 * torch.randn(parameter.shape, generator=generator))
    tuned.save_pretrained(adapter_dir)
    os.remove(os.path.join(adapter_dir, "README.md"))  # PEFT's model-card template, nothing the tests read
    tuned.eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            logprobs = torch.log_softmax(tuned(input_ids=torch.tensor([ids])).logits[0].float(), -1)
            sequences.append({"ids": ids, "logprobs": [None] + [round(float(logprobs[t - 1, ids[t]]), 7) for t in range(1, len(ids))]})
    expected = {"generator": "reference/architectures/make_gemma_fixtures.py", "base": "../../golden/gemma2",
                "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
                "tolerance": 1e-4, "sequences": sequences}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    torch.manual_seed(0)
    tiny = dict(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=4, num_attention_heads=4,
                num_key_value_heads=2, head_dim=16, max_position_embeddings=256, rms_norm_eps=1e-6, bos_token_id=1,
                eos_token_id=2, pad_token_id=0, sliding_window=4)
    gemma2 = write("gemma2", transformers.Gemma2ForCausalLM,
          transformers.Gemma2Config(**tiny, query_pre_attn_scalar=24, attn_logit_softcapping=2.0, final_logit_softcapping=3.0),
          ["(1 + w) RMSNorm, pre and post norms", "embeddings × √hidden", "attention soft-cap 2", "final soft-cap 3",
           "query_pre_attn_scalar 24", "sliding window 4 on alternating layers", "GeGLU", "tied", "transformers-written"])
    write_peft(gemma2, os.path.join(FIXTURES, "roundtrip", "peft-gemma2"), ["q_proj", "v_proj", "gate_proj", "down_proj"])
    rope = {"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1_000_000.0},
            "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0}}
    gemma3 = write("gemma3-text", transformers.Gemma3ForCausalLM,
          transformers.Gemma3TextConfig(**tiny, query_pre_attn_scalar=24, rope_parameters=rope,
                                        layer_types=["sliding_attention", "sliding_attention", "full_attention", "sliding_attention"]),
          ["q/k (1 + w) norms per head", "full layers: rope_theta 1e6 with linear scaling 8", "sliding layers: rope_local_base_freq 1e4",
           "sliding window 4 (layers 0, 1, 3)", "no soft-capping", "transformers-written"])
    write_peft(gemma3, os.path.join(FIXTURES, "roundtrip", "peft-gemma3-text"), ["q_proj", "k_proj", "o_proj", "up_proj"])
