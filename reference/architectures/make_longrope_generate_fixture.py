"""Phi-3 longrope generation that crosses original_max_position_embeddings. transformers decides the factors per
forward call (long once the largest position reaches the original length), so a plain KV-cache decode keeps keys
rotated with the short factors after the switch. The reference here is greedy decoding by full recomputation at
every step (each call sees the whole sequence, as Phi3ForCausalLM's own forward computes it), which is what
re-encoding the sequence once at the crossing gives. (transformers 5.17's generate means to do that: its
prepare_inputs_for_generation drops the cache, but then keeps only the last token, so the model sees one token
without context — its tokens are recorded too, as `transformersGenerate`, and not matched.)

The model is test/fixtures/roundtrip/phi3-longrope-short's weights with original_max_position_embeddings 8 (the
attention factor and the switch both apply); the prompt is chosen so that full recomputation and a plain cached decode
give different tokens, so a test that matches these tokens needs the re-encode.
Writes test/fixtures/roundtrip/phi3-longrope-generate/expected.json.

Usage (from the repository root): /opt/hfvenv/bin/python reference/architectures/make_longrope_generate_fixture.py
"""
import json
import os
import shutil
import tempfile

import torch
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE = os.path.join(ROOT, "test", "fixtures", "roundtrip", "phi3-longrope-short")
OUT = os.path.join(ROOT, "test", "fixtures", "roundtrip", "phi3-longrope-generate")
ORIGINAL = 8
NEW_TOKENS = 10


def greedy_without_reencode(model, prompt):
    """Cached greedy decode that keeps the cache across the switch (what a plain KV cache does)."""
    ids = list(prompt)
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), use_cache=True)
        past = out.past_key_values
        for _ in range(NEW_TOKENS):
            next_id = int(out.logits[0, -1].argmax())
            ids.append(next_id)
            out = model(input_ids=torch.tensor([[next_id]]), past_key_values=past, position_ids=torch.tensor([[len(ids) - 1]]), use_cache=True)
            past = out.past_key_values
    return ids[len(prompt):]


def greedy_recomputed(model, prompt):
    """Greedy decoding where every step runs the whole sequence (no cache)."""
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(NEW_TOKENS):
            ids.append(int(model(input_ids=torch.tensor([ids])).logits[0, -1].argmax()))
    return ids[len(prompt):]


def top2_margins(model, prompt, tokens):
    ids = list(prompt) + list(tokens)
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0]
    margins = []
    for step in range(len(tokens)):
        values = torch.topk(logits[len(prompt) - 1 + step], 2).values
        margins.append(float(values[0] - values[1]))
    return margins


def main():
    config = json.load(open(os.path.join(SOURCE, "config.json")))
    config["original_max_position_embeddings"] = ORIGINAL
    config["rope_parameters"]["original_max_position_embeddings"] = ORIGINAL
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(os.path.join(SOURCE, "model.safetensors"), folder)
        json.dump(config, open(os.path.join(folder, "config.json"), "w"))
        model = transformers.AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    generator = torch.Generator().manual_seed(0)
    for attempt in range(200):
        prompt = torch.randint(3, config["vocab_size"], (5,), generator=generator).tolist()
        tokens = greedy_recomputed(model, prompt)
        margins = top2_margins(model, prompt, tokens)
        plain = greedy_without_reencode(model, prompt)
        if plain != tokens and min(margins) > 1e-3:
            break
    else:
        raise SystemExit("no prompt separates the two decodes")
    with torch.no_grad():
        generated = model.generate(torch.tensor([prompt]), max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=0)
    os.makedirs(OUT, exist_ok=True)
    expected = {
        "writtenBy": f"torch {torch.__version__}, transformers {transformers.__version__}",
        "originalMaxPositionEmbeddings": ORIGINAL,
        "prompt": prompt,
        "tokens": tokens,
        "withoutReencode": plain,
        "transformersGenerate": generated[0, len(prompt):].tolist(),
        "smallestTop2Margin": min(margins),
    }
    json.dump(expected, open(os.path.join(OUT, "expected.json"), "w"), indent=1)
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
