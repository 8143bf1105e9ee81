"""Phi-3 fixtures from transformers and PEFT themselves (seeded, deterministic), so `npm test` checks our Phi-3 graph
without Python. Writes under test/fixtures:

  golden/phi3/             a tiny random Phi3ForCausalLM as save_pretrained writes it and its logits (golden.json, the
                           shared golden runner's format): fused qkv_proj and gate_up_proj, GQA, partial_rotary_factor
                           0.5 (Phi-4-mini style), sliding window 4 on every layer, untied lm_head.
  golden/phi3-longrope/    the same shape with longrope scaling (2 short and 2 long factors, max 64 positions) and
                           original_max_position_embeddings 2, so every test sequence takes the long factors and the
                           attention factor √(1 + ln 32 / ln 2) (the KV-cache runner stays consistent with it).
  roundtrip/phi3-longrope-short/  that model with original_max_position_embeddings 64: the short factors; logits.
  roundtrip/peft-phi3/     a PEFT LoRA adapter on qkv_proj, o_proj, gate_up_proj and down_proj (PEFT's Phi-3 names)
                           with PEFT's per-token log-probs (expected.json).

Usage: /opt/hfvenv/bin/python reference/architectures/make_phi3_fixtures.py   (from the repository root)
"""
import json
import math
import os
import shutil

import peft
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]
VERSIONS = {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__}


def randomise(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if "norm" in name:
                parameter.copy_(1 + 0.2 * noise)
            elif "embed_tokens" in name:
                parameter.copy_(0.25 * noise)
            else:
                parameter.copy_(noise / math.sqrt(parameter.shape[-1]))


def logits_of(model):
    with torch.no_grad():
        return [{"ids": ids, "logits": [[round(float(v), 6) for v in row] for row in model(torch.tensor([ids])).logits[0]]} for ids in SEQUENCES]


if __name__ == "__main__":
    torch.manual_seed(0)
    out = os.path.join(FIXTURES, "golden", "phi3")
    config = transformers.Phi3Config(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                     num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                                     original_max_position_embeddings=256, rms_norm_eps=1e-5, bos_token_id=1,
                                     eos_token_id=2, pad_token_id=0, sliding_window=4, tie_word_embeddings=False,
                                     partial_rotary_factor=0.5, rope_theta=10000.0)
    model = transformers.Phi3ForCausalLM(config).eval()
    randomise(model, 19)
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out, safe_serialization=True)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(out, attn_implementation="eager").eval()
    golden = {"variant": "phi3", "modelType": "phi3", "weightsDtype": "F32", "tolerance": 1e-4,
              "features": ["fused qkv_proj", "fused gate_up_proj", "partial_rotary_factor 0.5", "sliding window 4 (every layer)", "untied", "transformers-written"],
              "generator": "reference/architectures/make_phi3_fixtures.py", "versions": VERSIONS, "tensorChecks": {},
              "sequences": logits_of(loaded)}
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")

    peft_out = os.path.join(FIXTURES, "roundtrip", "peft-phi3")
    shutil.rmtree(peft_out, ignore_errors=True)
    lora = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["qkv_proj", "o_proj", "gate_up_proj", "down_proj"],
                           lora_dropout=0.0, init_lora_weights=False, task_type="CAUSAL_LM")
    tuned = peft.get_peft_model(loaded, lora)
    generator = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, parameter in tuned.named_parameters():
            if "lora_" in name:
                parameter.copy_(0.3 * torch.randn(parameter.shape, generator=generator))
    tuned.save_pretrained(os.path.join(peft_out, "adapter"))
    os.remove(os.path.join(peft_out, "adapter", "README.md"))
    tuned.eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            logprobs = torch.log_softmax(tuned(input_ids=torch.tensor([ids])).logits[0].float(), -1)
            sequences.append({"ids": ids, "logprobs": [None] + [round(float(logprobs[t - 1, ids[t]]), 7) for t in range(1, len(ids))]})
    with open(os.path.join(peft_out, "expected.json"), "w") as f:
        json.dump({"generator": "reference/architectures/make_phi3_fixtures.py", "versions": VERSIONS, "base": "../../golden/phi3",
                   "tolerance": 1e-4, "sequences": sequences}, f, indent=1)
        f.write("\n")
    print("phi3", loaded.config.rope_parameters, loaded.config.sliding_window)

    for name, original in [("golden/phi3-longrope", 2), ("roundtrip/phi3-longrope-short", 64)]:
        out = os.path.join(FIXTURES, *name.split("/"))
        rope = {"rope_type": "longrope", "short_factor": [1.0, 1.5], "long_factor": [2.0, 5.0], "rope_theta": 10000.0,
                "partial_rotary_factor": 0.5}
        config = transformers.Phi3Config(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                         original_max_position_embeddings=original, rms_norm_eps=1e-5, bos_token_id=1,
                                         eos_token_id=2, pad_token_id=0, tie_word_embeddings=False, rope_parameters=rope)
        model = transformers.Phi3ForCausalLM(config).eval()
        randomise(model, 23)
        shutil.rmtree(out, ignore_errors=True)
        model.save_pretrained(out, safe_serialization=True)
        loaded = transformers.AutoModelForCausalLM.from_pretrained(out, attn_implementation="eager").eval()
        golden = {"variant": os.path.basename(out), "modelType": "phi3", "weightsDtype": "F32", "tolerance": 1e-4,
                  "features": ["longrope", f"original_max_position_embeddings {original}", "partial_rotary_factor 0.5", "transformers-written"],
                  "generator": "reference/architectures/make_phi3_fixtures.py", "versions": VERSIONS, "tensorChecks": {},
                  "sequences": logits_of(loaded)}
        with open(os.path.join(out, "golden.json" if name.startswith("golden") else "expected.json"), "w") as f:
            json.dump(golden, f)
            f.write("\n")
        print(name, loaded.config.rope_parameters)
