"""SmolLM3 fixture from transformers itself (seeded, deterministic): golden/smollm3/, a tiny random
SmolLM3ForCausalLM (a Llama shape whose every fourth layer has no RoPE: no_rope_layers [1, 1, 1, 0]) as
save_pretrained writes it, with its logits in the shared golden runner's format.

Usage: /opt/hfvenv/bin/python reference/architectures/make_smollm3_fixtures.py   (from the repository root)
"""
import json
import math
import os
import shutil

import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "golden", "smollm3")
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]

if __name__ == "__main__":
    torch.manual_seed(0)
    config = transformers.SmolLM3Config(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=4,
                                        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                                        rms_norm_eps=1e-6, bos_token_id=1, eos_token_id=2, pad_token_id=0,
                                        rope_theta=5e5, tie_word_embeddings=True)
    model = transformers.SmolLM3ForCausalLM(config).eval()
    generator = torch.Generator().manual_seed(29)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            parameter.copy_(1 + 0.2 * noise if "norm" in name else 0.25 * noise if "embed_tokens" in name else noise / math.sqrt(parameter.shape[-1]))
    shutil.rmtree(OUT, ignore_errors=True)
    model.save_pretrained(OUT, safe_serialization=True)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(OUT, attn_implementation="eager").eval()
    with torch.no_grad():
        sequences = [{"ids": ids, "logits": [[round(float(v), 6) for v in row] for row in loaded(torch.tensor([ids])).logits[0]]} for ids in SEQUENCES]
    golden = {"variant": "smollm3", "modelType": "smollm3", "weightsDtype": "F32", "tolerance": 1e-4,
              "features": ["no_rope_layers [1, 1, 1, 0]", "GQA", "tied", "transformers-written"],
              "generator": "reference/architectures/make_smollm3_fixtures.py",
              "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
              "noRopeLayers": loaded.config.no_rope_layers, "tensorChecks": {}, "sequences": sequences}
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print("smollm3", loaded.config.no_rope_layers, loaded.config.layer_types)
