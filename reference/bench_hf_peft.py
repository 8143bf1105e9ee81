"""transformers + PEFT LoRA training speed and peak memory, side by side with `npm run bench` (bench/train-memory.ts).

The same model folder, shapes and method as our figure: LoRA r=8 / alpha 16 on q_proj and v_proj (PEFT's defaults
otherwise: dropout 0), AdamW, random token batches with every position a target, float32 compute on the CPU (the
bf16 checkpoint is widened on load, as our engine does). Not shipped; run with the venv that has torch, transformers
and peft:  $FINETUNE_HF_PYTHON reference/bench_hf_peft.py MODEL_DIR [--batch 4] [--seq 256] [--steps 4]
[--threads 2] [--gradient-checkpointing]. Prints one JSON object; peakRssMB is getrusage's maxrss of this process.
"""
import argparse
import json
import resource
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    started = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    if args.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    model.train()
    load_seconds = time.perf_counter() - started
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4, weight_decay=0.0)
    ids = torch.randint(0, model.config.vocab_size, (args.batch, args.seq))

    times, losses = [], []
    for _ in range(args.steps):
        begin = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        optimizer.step()
        times.append(time.perf_counter() - begin)
        losses.append(loss.item())
    timed = times[1:] if len(times) > 1 else times  # the first step warms up allocators and kernels
    seconds = sum(timed) / len(timed)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": args.threads,
        "gradientCheckpointing": args.gradient_checkpointing,
        "loadSeconds": round(load_seconds, 1),
        "secondsPerStep": round(seconds, 3),
        "tokensPerSecond": round(args.batch * args.seq / seconds),
        "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "losses": losses,
        "stepSeconds": [round(t, 2) for t in times],
    }))


if __name__ == "__main__":
    main()
