"""An independent PyTorch forward pass of the Llama family (Llama/Mistral, Qwen2, Qwen3) for golden logits.

Written from transformers' semantics, not from the engine's code: rotate-half RoPE with rope_theta (and 'linear' or
'llama3' scaling), RMSNorm computed in float32 then multiplied by its weight, grouped-query attention by repeating
k/v heads, causal softmax attention scaled by head_dim ** -0.5, SwiGLU MLP, Qwen2's q/k/v biases, Qwen3's per-head
q/k RMSNorm before RoPE, tied embeddings. Weights of any float dtype are upcast and everything runs in float32.

Usage: python3 llama_reference.py MODEL_DIR IDS_JSON  (prints logits as JSON; IDS_JSON like "[[1,2,3],[4,5]]")
Reads safetensors with its own parser (no safetensors package needed). Not shipped; only regenerates fixtures.
"""
import json
import math
import os
import struct
import sys

import torch

DTYPES = {
    "F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2),
    "F64": (torch.float64, 8), "I64": (torch.int64, 8), "I32": (torch.int32, 4),
}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_len])
    data = raw[8 + header_len:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype, size = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        chunk = bytearray(data[begin:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(chunk, dtype=dtype)
        tensors[name] = t.reshape(entry["shape"]).clone()
    return tensors


def load_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        weights.update(read_safetensors(os.path.join(model_dir, name)))
    return {k: v.to(torch.float32) for k, v in weights.items()}


class Config:
    def __init__(self, raw):
        self.model_type = raw["model_type"]
        self.hidden = raw["hidden_size"]
        self.layers = raw["num_hidden_layers"]
        self.heads = raw["num_attention_heads"]
        self.kv_heads = raw.get("num_key_value_heads") or self.heads
        self.head_dim = raw.get("head_dim") or self.hidden // self.heads
        self.eps = raw.get("rms_norm_eps", 1e-6)
        self.theta = raw.get("rope_theta", 10000.0)
        self.rope_scaling = raw.get("rope_scaling")
        self.tied = raw.get("tie_word_embeddings", False)
        bias = raw.get("attention_bias", False)
        self.qkv_bias = True if self.model_type == "qwen2" else bias
        self.o_bias = False if self.model_type == "qwen2" else bias
        self.qk_norm = self.model_type == "qwen3"


def rms_norm(x, weight, eps):
    # transformers' LlamaRMSNorm: variance in float32, normalise, cast back, then multiply by the weight.
    x32 = x.to(torch.float32)
    variance = x32.pow(2).mean(-1, keepdim=True)
    return weight * (x32 * torch.rsqrt(variance + eps)).to(x.dtype)


def inverse_frequencies(cfg):
    inv = 1.0 / (cfg.theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.int64).float() / cfg.head_dim))
    scaling = cfg.rope_scaling or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind == "linear":
        inv = inv / scaling["factor"]
    elif kind == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    elif kind != "default":
        raise SystemExit(f"rope type {kind} not implemented in the reference")
    return inv


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(cfg, w, ids):
    """ids: list of token ids (one sequence). Returns logits [len, vocab] in float32."""
    seq = len(ids)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    positions = torch.arange(seq, dtype=torch.float32)
    freqs = positions[:, None] * inverse_frequencies(cfg)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((seq, seq), float("-inf")).triu(1)
    group = cfg.heads // cfg.kv_heads
    for i in range(cfg.layers):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], cfg.eps)

        def proj(name, t):
            out = t @ w[p + name + ".weight"].T
            bias = w.get(p + name + ".bias")
            return out + bias if bias is not None else out

        q = proj("self_attn.q_proj", h).view(seq, cfg.heads, cfg.head_dim)
        k = proj("self_attn.k_proj", h).view(seq, cfg.kv_heads, cfg.head_dim)
        v = proj("self_attn.v_proj", h).view(seq, cfg.kv_heads, cfg.head_dim)
        if cfg.qk_norm:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], cfg.eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], cfg.eps)
        q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)  # [heads, seq, head_dim]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(group, dim=0)  # repeat_kv: kv head j serves query heads j*group .. j*group+group-1
        v = v.repeat_interleave(group, dim=0)
        scores = q @ k.transpose(1, 2) / math.sqrt(cfg.head_dim) + mask
        attn = torch.softmax(scores.float(), dim=-1) @ v
        attn = attn.transpose(0, 1).reshape(seq, cfg.heads * cfg.head_dim)
        x = x + proj("self_attn.o_proj", attn)
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], cfg.eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], cfg.eps)
    head = w["model.embed_tokens.weight"] if cfg.tied else w["lm_head.weight"]
    return x @ head.T


def main():
    model_dir, ids_json = sys.argv[1], sys.argv[2]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = Config(json.load(f))
    weights = load_weights(model_dir)
    with torch.no_grad():
        out = [forward(cfg, weights, ids).tolist() for ids in json.loads(ids_json)]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
