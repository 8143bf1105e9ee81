"""PEFT's prefix tuning (PREFIX_TUNING, PrefixEncoder; P-Tuning v2) as the engine must reproduce it, on init-model's
tiny qwen2 (GQA: 4 heads, 2 key/value heads, so one prefix per KV head). For prefix_projection False ("plain") and
True ("projection", encoder_hidden_size 16), PEFT initialises the prefix (4 virtual tokens); this writes
test/fixtures/roundtrip/peft-prefix/<plain|projection>/:
  adapter/                    PeftModel.save_pretrained after 3 AdamW steps (prompt_embeddings = the prefix table)
  encoder.safetensors         the initial weights, named as PEFT's state dict names them under prompt_encoder.default.
  gradients.safetensors       PEFT's gradient of the loss on the fixed batch below for each of those weights, and
                              `output`: the prefix table [4, layers·2·kv_dim] at the initial weights
and expected.json: the loss at the initial weights, and the log-probs PEFT gives each text with the saved adapter.

Usage (from the repository root):
  node --import tsx cli/src/main.ts init-model --arch qwen2 --size tiny --out /tmp/qwen2-tiny
  /opt/hfvenv/bin/python reference/roundtrip/make_prefix_fixture.py /tmp/qwen2-tiny
"""
import json
import os
import sys

import peft
import safetensors.torch
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "peft-prefix")
VIRTUAL_TOKENS = 4
ENCODER_HIDDEN = 16
# A fixed batch of two rows (the second right-padded), labels -100 where not trained.
INPUT_IDS = [[5, 17, 99, 3, 250, 41, 7, 8], [12, 13, 14, 15, 16, 1021, 1021, 1021]]
ATTENTION = [[1] * 8, [1, 1, 1, 1, 1, 0, 0, 0]]
LABELS = [[-100, -100, -100, 3, 250, 41, 7, 8], [-100, 13, 14, 15, 16, -100, -100, -100]]
TEXTS = [
    "<|im_start|>user\nHow do I reverse a list in Python?<|im_end|>\n<|im_start|>assistant\nUse slicing: items[::-1].<|im_end|>\n",
    "The quick brown fox jumps over the lazy dog 12 times.",
]


def logprobs(model, ids):
    # Prefix tuning's logits cover the real tokens only (the prefix is in the cache, not the input).
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long)).logits[0].float()
    table = torch.log_softmax(logits, -1)
    return [None] + [float(table[t - 1, ids[t]]) for t in range(1, len(ids))]


def main(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    expected = {
        "generator": "reference/roundtrip/make_prefix_fixture.py",
        "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
        "model": "finetune init-model --arch qwen2 --size tiny (seed 0)",
        "virtualTokens": VIRTUAL_TOKENS, "encoderHiddenSize": ENCODER_HIDDEN,
        "batch": {"inputIds": INPUT_IDS, "attentionMask": ATTENTION, "labels": LABELS},
        "tolerance": 1e-4, "types": {},
    }
    for name, projection in (("plain", False), ("projection", True)):
        torch.manual_seed(1)
        base = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
        config = peft.PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=VIRTUAL_TOKENS,
                                         prefix_projection=projection, encoder_hidden_size=ENCODER_HIDDEN if projection else None)
        model = peft.get_peft_model(base, config)
        encoder = model.prompt_encoder["default"]
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        weights = {key: p.detach().clone().contiguous() for key, p in encoder.named_parameters()}
        safetensors.torch.save_file(weights, os.path.join(folder, "encoder.safetensors"))

        model.train()
        batch = {"input_ids": torch.tensor(INPUT_IDS), "attention_mask": torch.tensor(ATTENTION), "labels": torch.tensor(LABELS)}
        loss = model(**batch).loss
        loss.backward()
        grads = {key: p.grad.detach().clone().contiguous() for key, p in encoder.named_parameters()}
        with torch.no_grad():
            grads["output"] = encoder(torch.arange(VIRTUAL_TOKENS).unsqueeze(0))[0].contiguous()
        safetensors.torch.save_file(grads, os.path.join(folder, "gradients.safetensors"))

        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2, weight_decay=0.0)
        for _ in range(3):
            optimizer.zero_grad()
            model(**batch).loss.backward()
            optimizer.step()
        model.save_pretrained(os.path.join(folder, "adapter"))
        os.remove(os.path.join(folder, "adapter", "README.md"))

        loaded = peft.PeftModel.from_pretrained(
            transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32), os.path.join(folder, "adapter")).eval()
        cases = []
        for text in TEXTS:
            ids = tokenizer.encode(text, add_special_tokens=False)
            cases.append({"text": text, "ids": ids, "logprobs": logprobs(loaded, ids)})
        # Greedy generation from PEFT's prefix-tuned model (its cache starts from the prefix).
        prompt = cases[1]["ids"][:6]
        with torch.no_grad():
            generated = loaded.generate(input_ids=torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                                        max_new_tokens=8, do_sample=False, pad_token_id=tokenizer.pad_token_id)
        expected["types"][name] = {"loss": loss.item(), "cases": cases,
                                   "generation": {"prompt": prompt, "tokens": generated[0, len(prompt):].tolist()}}
        print(name, "loss", loss.item())
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
