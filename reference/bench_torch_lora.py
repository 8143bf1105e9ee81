"""PyTorch's LoRA training speed on the same model and shapes as `npm run bench` (bench/train.ts), for comparison.

Eager PyTorch on the CPU: batch 8 x 128 random tokens, every position a target, LoRA rank 8 / alpha 16 on q_proj and
v_proj, AdamW, the frozen base in float32 — the shapes and method of TRAIN_BENCH_CONFIG. Not shipped; run with
Debian's python3-torch:  /usr/bin/python3 reference/bench_torch_lora.py MODEL_DIR [STEPS] [THREADS]
(make MODEL_DIR with `npx finetune init-model --size bench --out MODEL_DIR`). Prints one JSON object.
Debian's torch uses the system BLAS: install libopenblas0-pthread first, or it runs on the slow reference BLAS.
"""
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from llama_reference import Config, inverse_frequencies, load_weights, rms_norm, rotate_half  # noqa: E402

BATCH, SEQ, RANK, ALPHA = 8, 128, 8, 16.0


def lora_pair(out_features, in_features):
    a = torch.empty(RANK, in_features)
    torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))
    return a.requires_grad_(), torch.zeros(out_features, RANK, requires_grad=True)


def forward_loss(cfg, w, lora, ids):
    batch, seq = ids.shape
    x = w["model.embed_tokens.weight"][ids]
    freqs = torch.arange(seq, dtype=torch.float32)[:, None] * inverse_frequencies(cfg)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((seq, seq), float("-inf")).triu(1)
    group = cfg.heads // cfg.kv_heads
    scale = ALPHA / RANK
    for i in range(cfg.layers):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], cfg.eps)
        qa, qb = lora[f"{i}.q"]
        va, vb = lora[f"{i}.v"]
        q = h @ w[p + "self_attn.q_proj.weight"].T + (h @ qa.T @ qb.T) * scale
        k = h @ w[p + "self_attn.k_proj.weight"].T
        v = h @ w[p + "self_attn.v_proj.weight"].T + (h @ va.T @ vb.T) * scale
        q = q.view(batch, seq, cfg.heads, cfg.head_dim).transpose(1, 2)
        k = k.view(batch, seq, cfg.kv_heads, cfg.head_dim).transpose(1, 2)
        v = v.view(batch, seq, cfg.kv_heads, cfg.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        attn = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(cfg.head_dim) + mask, dim=-1) @ v
        x = x + attn.transpose(1, 2).reshape(batch, seq, -1) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], cfg.eps)
        mlp = torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)
        x = x + mlp @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], cfg.eps)
    head = w["model.embed_tokens.weight"] if cfg.tied else w["lm_head.weight"]
    logits = x[:, :-1] @ head.T
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))


def main():
    model_dir = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = Config(json.load(f))
    weights = load_weights(model_dir)
    lora = {}
    for i in range(cfg.layers):
        lora[f"{i}.q"] = lora_pair(cfg.heads * cfg.head_dim, cfg.hidden)
        lora[f"{i}.v"] = lora_pair(cfg.kv_heads * cfg.head_dim, cfg.hidden)
    optimizer = torch.optim.AdamW([t for pair in lora.values() for t in pair], lr=1e-4, weight_decay=0.0)
    ids = torch.randint(0, weights["model.embed_tokens.weight"].shape[0], (BATCH, SEQ))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = forward_loss(cfg, weights, lora, ids)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([t for pair in lora.values() for t in pair], 1.0)
        optimizer.step()

    for _ in range(2):  # warm-up, as bench/train.ts
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - started) / steps
    print(json.dumps({"torch": torch.__version__, "threads": threads, "steps": steps, "secondsPerStep": round(seconds, 4),
                      "tokensPerSecond": round(BATCH * SEQ / seconds)}))


if __name__ == "__main__":
    main()
