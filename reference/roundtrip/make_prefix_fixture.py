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
import os
import sys

import peft
import torch
import transformers

from prompt_learning import ROOT, VIRTUAL_TOKENS, ENCODER_HIDDEN, fixture_header, run_variant, write_expected

OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "peft-prefix")


def logprobs(model, ids):
    # Prefix tuning's logits cover the real tokens only (the prefix is in the cache, not the input).
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long)).logits[0].float()
    table = torch.log_softmax(logits, -1)
    return [None] + [float(table[t - 1, ids[t]]) for t in range(1, len(ids))]


def main(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    expected = fixture_header("reference/roundtrip/make_prefix_fixture.py")
    for name, projection in (("plain", False), ("projection", True)):
        config = peft.PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=VIRTUAL_TOKENS,
                                         prefix_projection=projection, encoder_hidden_size=ENCODER_HIDDEN if projection else None)
        loss, cases, loaded = run_variant(model_dir, config, os.path.join(OUT, name), tokenizer, logprobs)
        # Greedy generation from PEFT's prefix-tuned model (its cache starts from the prefix).
        prompt = cases[1]["ids"][:6]
        with torch.no_grad():
            generated = loaded.generate(input_ids=torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                                        max_new_tokens=8, do_sample=False, pad_token_id=tokenizer.pad_token_id)
        expected["types"][name] = {"loss": loss, "cases": cases,
                                   "generation": {"prompt": prompt, "tokens": generated[0, len(prompt):].tolist()}}
        print(name, "loss", loss)
    write_expected(OUT, expected)


if __name__ == "__main__":
    main(sys.argv[1])
