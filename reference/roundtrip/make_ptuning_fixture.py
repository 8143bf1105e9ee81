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
import os
import sys

import peft
import torch
import transformers

from prompt_learning import ROOT, VIRTUAL_TOKENS, ENCODER_HIDDEN, fixture_header, run_variant, write_expected

OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "peft-ptuning")


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0, VIRTUAL_TOKENS:].float()
    table = torch.log_softmax(logits, -1)
    return [None] + [float(table[t - 1, ids[t]]) for t in range(1, len(ids))]


def main(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    expected = fixture_header("reference/roundtrip/make_ptuning_fixture.py")
    for kind in ("MLP", "LSTM"):
        config = peft.PromptEncoderConfig(task_type="CAUSAL_LM", num_virtual_tokens=VIRTUAL_TOKENS,
                                          encoder_reparameterization_type=kind, encoder_hidden_size=ENCODER_HIDDEN)
        loss, cases, _ = run_variant(model_dir, config, os.path.join(OUT, kind.lower()), tokenizer, logprobs)
        expected["types"][kind.lower()] = {"loss": loss, "cases": cases}
        print(kind, "loss", loss)
    write_expected(OUT, expected)


if __name__ == "__main__":
    main(sys.argv[1])
