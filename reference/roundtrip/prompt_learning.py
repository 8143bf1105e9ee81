"""What the P-tuning and prefix-tuning fixture writers share: the fixed batch and texts, and one PEFT run per
variant (initial encoder weights, the loss and its gradients on the batch, 3 AdamW steps, the saved adapter reloaded
by PeftModel.from_pretrained and its log-probs on each text)."""
import json
import os

import peft
import safetensors.torch
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
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


def fixture_header(generator):
    return {
        "generator": generator,
        "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
        "model": "finetune init-model --arch qwen2 --size tiny (seed 0)",
        "virtualTokens": VIRTUAL_TOKENS, "encoderHiddenSize": ENCODER_HIDDEN,
        "batch": {"inputIds": INPUT_IDS, "attentionMask": ATTENTION, "labels": LABELS},
        "tolerance": 1e-4, "types": {},
    }


def run_variant(model_dir, config, folder, tokenizer, logprobs):
    """Writes folder/{encoder,gradients}.safetensors and folder/adapter/; returns (loss, cases, the reloaded model)."""
    torch.manual_seed(1)
    base = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    model = peft.get_peft_model(base, config)
    encoder = model.prompt_encoder["default"]
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
    return loss.item(), cases, loaded


def write_expected(out, expected):
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
