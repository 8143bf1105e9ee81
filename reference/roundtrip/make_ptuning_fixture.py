"""PEFT's P-tuning (P_TUNING, PromptEncoder) as the engine must reproduce it, on init-model's tiny qwen2. For each
encoder type (MLP, LSTM) PEFT initialises a PromptEncoder (4 virtual tokens, encoder_hidden_size 16); this writes
test/fixtures/roundtrip/peft-ptuning/<type>/:
  adapter/                    PeftModel.save_pretrained after 3 AdamW steps (prompt_embeddings = the encoder's output)
  encoder.safetensors         the encoder's initial weights, named as PEFT's state dict names them under prompt_encoder.default.
  gradients.safetensors       PEFT's gradient of the loss on the fixed batch below for each of those weights, and
                              `output`: the encoder's output [4, hidden] at the initial weights
and expected.json: the loss at the initial weights, and the log-probs PEFT gives each text with the saved adapter.

Usage (from the repository root):
  node --import tsx cli/src/main.ts init-model --arch qwen2 --size tiny --out /tmp/qwen2-tiny
  /opt/hfvenv/bin/python reference/roundtrip/make_ptuning_fixture.py /tmp/qwen2-tiny
"""
import json
import os
import sys

import peft
import safetensors.torch
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "peft-ptuning")
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
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0, VIRTUAL_TOKENS:].float()
    table = torch.log_softmax(logits, -1)
    return [None] + [float(table[t - 1, ids[t]]) for t in range(1, len(ids))]


def main(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    expected = {
        "generator": "reference/roundtrip/make_ptuning_fixture.py",
        "versions": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__},
        "model": "finetune init-model --arch qwen2 --size tiny (seed 0)",
        "virtualTokens": VIRTUAL_TOKENS, "encoderHiddenSize": ENCODER_HIDDEN,
        "batch": {"inputIds": INPUT_IDS, "attentionMask": ATTENTION, "labels": LABELS},
        "tolerance": 1e-4, "types": {},
    }
    for kind in ("MLP", "LSTM"):
        torch.manual_seed(1)
        base = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
        config = peft.PromptEncoderConfig(task_type="CAUSAL_LM", num_virtual_tokens=VIRTUAL_TOKENS,
                                          encoder_reparameterization_type=kind, encoder_hidden_size=ENCODER_HIDDEN)
        model = peft.get_peft_model(base, config)
        encoder = model.prompt_encoder["default"]
        folder = os.path.join(OUT, kind.lower())
        os.makedirs(folder, exist_ok=True)
        weights = {name: p.detach().clone().contiguous() for name, p in encoder.named_parameters()}
        safetensors.torch.save_file(weights, os.path.join(folder, "encoder.safetensors"))

        model.train()
        batch = {"input_ids": torch.tensor(INPUT_IDS), "attention_mask": torch.tensor(ATTENTION), "labels": torch.tensor(LABELS)}
        loss = model(**batch).loss
        loss.backward()
        grads = {name: p.grad.detach().clone().contiguous() for name, p in encoder.named_parameters()}
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
        expected["types"][kind.lower()] = {"loss": loss.item(), "cases": cases}
        print(kind, "loss", loss.item())
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
