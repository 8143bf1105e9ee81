"""Prompt-tuning and prefix-tuning fixtures on the architectures beyond the Llama family, from transformers and PEFT
themselves (seeded, deterministic), so `npm test` checks our virtual tokens and prefixes on GPT-2, Gemma 2, Gemma 3
text and Phi-3 without Python. Reuses the committed tiny random models the other writers of this folder made
(test/fixtures/golden/<arch>/) and writes, for each, under test/fixtures/roundtrip:

  peft-<arch>-prompt/   a PEFT PROMPT_TUNING adapter (3 virtual tokens, embeddings set to N(0, 0.5²) so they matter)
  peft-<arch>-prefix/   a PEFT PREFIX_TUNING adapter (3 virtual tokens; the table [3, layers·2·kv_dim] set to
                        N(0, 0.5²): every layer's key and value prefix, one per key/value head)

each with adapter/ (as save_pretrained writes it) and expected.json in the LoRA fixtures' format: the per-token
log-probs PEFT gives on the fixed sequences, and the tokens PEFT's greedy generate gives from a short prompt.
The sequences are longer than the models' window (4: Gemma's sliding layers, every Phi-3 layer), so the virtual
tokens and prefixes fall out of the window as transformers decides by index.

What this pins down (transformers 5.17, PEFT 0.21): virtual tokens take positions 0..P-1 (GPT-2's learned positions
too) and are NOT scaled by Gemma's √hidden (the scale lives in Gemma*ScaledWordEmbedding, which only the real tokens
pass; PEFT concatenates its prompt after it); prefixes are plain cache entries (no RoPE, no norm) and the real tokens
take positions P, P+1, ….

Usage: /opt/hfvenv/bin/python reference/architectures/make_prompt_learning_fixtures.py   (from the repository root)
"""
import json
import os
import shutil

import peft
import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
SEQUENCES = [[1, 17, 93, 4, 56], [1] + [int(x) for x in torch.randint(3, 128, (23,), generator=torch.Generator().manual_seed(7))]]
ARCHITECTURES = ["gpt2", "gemma2", "gemma3-text", "phi3"]
VIRTUAL_TOKENS = 3
PROMPT = [1, 17, 93]
NEW_TOKENS = 8
VERSIONS = {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__}


def write(arch, method, config, seed):
    base_dir = os.path.join("test", "fixtures", "golden", arch)  # relative: the adapter's base_model_name_or_path
    out = os.path.join(FIXTURES, "roundtrip", f"peft-{arch}-{method}")
    shutil.rmtree(out, ignore_errors=True)
    # Eager attention: SDPA has no soft-capping (Gemma 2) and would silently skip it.
    model = transformers.AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32, attn_implementation="eager")
    tuned = peft.get_peft_model(model, config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        weight = tuned.prompt_encoder["default"].embedding.weight
        weight.copy_(0.5 * torch.randn(weight.shape, generator=generator))
    adapter_dir = os.path.join(out, "adapter")
    tuned.save_pretrained(adapter_dir)
    os.remove(os.path.join(adapter_dir, "README.md"))  # PEFT's model-card template, nothing the tests read

    base = transformers.AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32, attn_implementation="eager")
    loaded = peft.PeftModel.from_pretrained(base, adapter_dir).eval()
    sequences = []
    with torch.no_grad():
        for ids in SEQUENCES:
            mask = torch.ones(1, len(ids), dtype=torch.long)
            logits = loaded(input_ids=torch.tensor([ids]), attention_mask=mask).logits[0].float()
            # Prompt tuning's logits cover the virtual tokens too (PEFT prepends them); prefix tuning's do not.
            logits = logits[-len(ids):]
            logprobs = torch.log_softmax(logits, -1)
            sequences.append({"ids": ids, "logprobs": [None] + [round(float(logprobs[t - 1, ids[t]]), 7) for t in range(1, len(ids))]})
        generated = loaded.generate(input_ids=torch.tensor([PROMPT]), attention_mask=torch.ones(1, len(PROMPT), dtype=torch.long),
                                    max_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=0)
    expected = {"generator": "reference/architectures/make_prompt_learning_fixtures.py", "base": f"../../golden/{arch}",
                "versions": VERSIONS, "method": method, "virtualTokens": VIRTUAL_TOKENS, "tolerance": 1e-4,
                "sequences": sequences, "generation": {"prompt": PROMPT, "tokens": generated[0, -NEW_TOKENS:].tolist()}}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(arch, method, expected["generation"]["tokens"])


if __name__ == "__main__":
    os.chdir(ROOT)
    torch.manual_seed(0)
    for index, arch in enumerate(ARCHITECTURES):
        write(arch, "prompt", peft.PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=VIRTUAL_TOKENS), 100 + index)
        write(arch, "prefix", peft.PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=VIRTUAL_TOKENS), 200 + index)
