"""How transformers tokenizes with the tokenizer `finetune init-model --arch qwen2` writes: for model_type qwen2,
AutoTokenizer builds Qwen2Tokenizer (Qwen2's split pattern and NFC, whatever tokenizer.json says), so the engine's
tokenizer must give the same ids. Writes test/fixtures/roundtrip/qwen2-tokenizer.json: texts (every string of the
example datasets, plus cases where GPT-2's and Qwen2's pre-tokenization differ) and transformers' ids.

Usage (from the repository root):
  node --import tsx cli/src/main.ts init-model --arch qwen2 --size tiny --out /tmp/qwen2-tiny
  /opt/hfvenv/bin/python reference/roundtrip/make_tokenizer_fixture.py /tmp/qwen2-tiny
"""
import glob
import json
import os
import sys

import tokenizers
import transformers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Where the two pre-tokenizers part ways: digits one by one, case-insensitive contractions, letters glued to a
# leading punctuation mark, newline runs, and NFC (a decomposed é composes).
EXTRA = [
    "Hello world, it's 2024!",
    "DON'T STOP, WE'LL see; I'M here",
    "Cafe\u0301 au lait, crème brûlée, e\u0301te\u0301",
    "line one\n\n  indented\tTab\r\nwindows line",
    "价格是100元。你好，世界！",
    "x=a+b;  y = (c*d) // 2\n    return\"quoted\"",
    "@user #tag $100 3.14159 1,000,000",
    "<|im_start|>user\nWhat is 12 + 30?<|im_end|>\n<|im_start|>assistant\n42<|im_end|>\n",
]


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def sample_texts():
    texts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.jsonl"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # the problem files hold broken lines on purpose
                texts.extend(text for text in strings(record) if text.strip() and text not in texts)
    return texts


def main(model_dir):
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    texts = sample_texts() + EXTRA
    ids = [tokenizer.encode(text, add_special_tokens=False) for text in texts]
    # How the same tokenizer.json tokenizes read as written (the GPT-2-style file before the fix differs here).
    raw = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    differing = sum(raw.encode(text, add_special_tokens=False).ids != expected for text, expected in zip(texts, ids))
    fixture = {
        "generator": "reference/roundtrip/make_tokenizer_fixture.py",
        "versions": {"transformers": transformers.__version__, "tokenizers": tokenizers.__version__},
        "tokenizerClass": type(tokenizer).__name__,
        "cases": [{"text": text, "ids": case} for text, case in zip(texts, ids)],
    }
    out = os.path.join(ROOT, "test", "fixtures", "roundtrip", "qwen2-tokenizer.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(texts)} texts, {type(tokenizer).__name__}; tokenizer.json alone differs on {differing}")


if __name__ == "__main__":
    main(sys.argv[1])
