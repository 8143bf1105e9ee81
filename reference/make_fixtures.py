"""Writes the golden fixtures under test/fixtures/golden/<variant>/: a tiny random model folder (config.json,
safetensors weights in the variant's dtype, sharded where asked) and golden.json with logits from
llama_reference.py. Deterministic (torch.manual_seed per variant). See test/fixtures/golden/README.md.

Usage: python3 make_fixtures.py OUT_DIR
"""
import json
import os
import struct
import sys

import torch

import llama_reference as ref

BASE = dict(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=10000.0,
            hidden_act="silu", bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)

VARIANTS = {
    # name: (config overrides, stored dtype, number of shards, features for the README)
    "llama": (dict(model_type="llama", architectures=["LlamaForCausalLM"]), "F32", 1,
              ["gqa", "untied"]),
    "llama-tied-fp16": (dict(model_type="llama", architectures=["LlamaForCausalLM"], tie_word_embeddings=True,
                             num_key_value_heads=4, rope_theta=500000.0, rms_norm_eps=1e-6), "F16", 1,
                        ["tied", "mha", "rope_theta=5e5", "fp16 weights"]),
    "llama-rope-llama3-bias": (dict(model_type="llama", architectures=["LlamaForCausalLM"], attention_bias=True,
                                    rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0,
                                                      high_freq_factor=4.0, original_max_position_embeddings=64)),
                               "F32", 1, ["llama3 rope scaling", "q/k/v/o bias (attention_bias)", "gqa"]),
    "qwen2-bf16": (dict(model_type="qwen2", architectures=["Qwen2ForCausalLM"], tie_word_embeddings=True,
                        rope_theta=1000000.0, rms_norm_eps=1e-6, use_sliding_window=False, sliding_window=4096),
                   "BF16", 1, ["q/k/v bias", "tied", "rope_theta=1e6", "bf16 weights"]),
    "qwen3-sharded": (dict(model_type="qwen3", architectures=["Qwen3ForCausalLM"], head_dim=16, rope_theta=1000000.0,
                           rms_norm_eps=1e-6, attention_bias=False), "F32", 2,
                      ["q/k norm", "head_dim 16 != hidden/heads", "untied", "sharded (2 files + index)"]),
}

TORCH_DTYPE = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]


def tensor_layout(cfg):
    c = ref.Config(cfg)
    hidden, inter, hd = cfg["hidden_size"], cfg["intermediate_size"], c.head_dim
    out = [("model.embed_tokens.weight", [cfg["vocab_size"], hidden], "embedding")]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        out.append((p + "input_layernorm.weight", [hidden], "norm"))
        for proj, heads in (("q_proj", c.heads), ("k_proj", c.kv_heads), ("v_proj", c.kv_heads)):
            out.append((p + f"self_attn.{proj}.weight", [heads * hd, hidden], "linear"))
            if c.qkv_bias:
                out.append((p + f"self_attn.{proj}.bias", [heads * hd], "bias"))
        out.append((p + "self_attn.o_proj.weight", [hidden, c.heads * hd], "linear"))
        if c.o_bias:
            out.append((p + "self_attn.o_proj.bias", [hidden], "bias"))
        if c.qk_norm:
            out.append((p + "self_attn.q_norm.weight", [hd], "norm"))
            out.append((p + "self_attn.k_norm.weight", [hd], "norm"))
        out.append((p + "post_attention_layernorm.weight", [hidden], "norm"))
        out.append((p + "mlp.gate_proj.weight", [inter, hidden], "linear"))
        out.append((p + "mlp.up_proj.weight", [inter, hidden], "linear"))
        out.append((p + "mlp.down_proj.weight", [hidden, inter], "linear"))
    out.append(("model.norm.weight", [hidden], "norm"))
    if not c.tied:
        out.append(("lm_head.weight", [cfg["vocab_size"], hidden], "linear"))
    return out


def random_weights(cfg):
    """Larger than usual init (logits of order one) so that any semantic slip moves the logits well past 1e-4."""
    weights = {}
    for name, shape, kind in tensor_layout(cfg):
        if kind == "embedding":
            t = 0.25 * torch.randn(shape)
        elif kind == "norm":
            t = 1.0 + 0.2 * torch.randn(shape)
        elif kind == "bias":
            t = 0.3 * torch.randn(shape)
        else:
            t = torch.randn(shape) / (shape[1] ** 0.5)
        weights[name] = t
    return weights


def write_safetensors(path, tensors):
    header, offset, chunks = {"__metadata__": {"format": "pt"}}, 0, []
    for name, t in tensors.items():
        if t.dtype == torch.bfloat16:
            data = t.contiguous().view(torch.int16).numpy().tobytes()
        else:
            data = t.contiguous().numpy().tobytes()
        dtype = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text.encode())
        for data in chunks:
            f.write(data)


def make_variant(out_root, name, overrides, dtype, shards, features):
    torch.manual_seed(sum(map(ord, name)))
    cfg = dict(BASE, **overrides, torch_dtype={"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[dtype])
    out = os.path.join(out_root, name)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    stored = {k: v.to(TORCH_DTYPE[dtype]) for k, v in random_weights(cfg).items()}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": 1, "eos_token_id": [2], "max_new_tokens": 16}, f, indent=2)
    names = list(stored)
    if shards == 1:
        write_safetensors(os.path.join(out, "model.safetensors"), stored)
    else:
        per = (len(names) + shards - 1) // shards
        weight_map = {}
        for s in range(shards):
            file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: stored[n] for n in names[s * per:(s + 1) * per]}
            write_safetensors(os.path.join(out, file), part)
            weight_map.update({n: file for n in part})
        total = sum(t.numel() * t.element_size() for t in stored.values())
        with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    # Logits from the folder as written (weights read back by the reference's own parser, upcast to float32).
    c = ref.Config(cfg)
    w = ref.load_weights(out)
    with torch.no_grad():
        sequences = [{"ids": ids, "logits": [[round(v, 6) for v in row] for row in ref.forward(c, w, ids).tolist()]}
                     for ids in SEQUENCES]
    checks = {}
    for n in (names[0], names[1], names[-1]):
        t = w[n]
        checks[n] = {"shape": list(t.shape), "sum": round(float(t.double().sum()), 6),
                     "first": [float(x) for x in t.flatten()[:4].tolist()]}
    golden = {
        "variant": name, "modelType": cfg["model_type"], "weightsDtype": dtype, "features": features,
        "tolerance": 1e-4, "generator": "reference/make_fixtures.py", "torch": torch.__version__,
        "tensorChecks": checks, "sequences": sequences,
    }
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")


def main():
    out_root = sys.argv[1]
    for name, (overrides, dtype, shards, features) in VARIANTS.items():
        make_variant(out_root, name, overrides, dtype, shards, features)
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
