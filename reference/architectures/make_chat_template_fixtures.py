"""Chat templates of the architectures added in #17 (Gemma, Gemma 3, Phi-3, Phi-3.5), rendered by transformers' own
jinja environment (the one apply_chat_template uses), so `npm test` checks that our renderer
(tokenizer/src/chat-template.ts, @huggingface/jinja) gives the same text. The template texts are the originals TRL
ships in trl/chat_templates (copies of the models' tokenizer_config.json templates; no network here).
Writes test/fixtures/chat-templates/<name>.json: {template, source, bos_token, eos_token, cases: [{messages,
add_generation_prompt, text}]}.

Usage: /opt/hfvenv/bin/python reference/architectures/make_chat_template_fixtures.py   (from the repository root)
"""
import json
import os

import transformers
import trl
from transformers.utils.chat_template_utils import _compile_jinja_template

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "chat-templates")
TEMPLATES = os.path.join(os.path.dirname(trl.__file__), "chat_templates")
SPECIAL = {"gemma": ("<bos>", "<eos>"), "gemma3": ("<bos>", "<eos>"), "phi3": ("<s>", "<|endoftext|>"), "phi3_5": ("<s>", "<|endoftext|>")}
CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}],
    [{"role": "system", "content": "You are brief."}, {"role": "user", "content": "Name a fruit."},
     {"role": "assistant", "content": "An apple."}, {"role": "user", "content": "Another?"}, {"role": "assistant", "content": "A pear."}],
]

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, (bos, eos) in SPECIAL.items():
        with open(os.path.join(TEMPLATES, f"{name}.jinja")) as f:
            template = f.read()
        compiled = _compile_jinja_template(template)
        cases = []
        for messages in CONVERSATIONS:
            for generation in (False, True):
                shown = messages[:-1] if generation else messages
                try:
                    text = compiled.render(messages=shown, add_generation_prompt=generation, bos_token=bos, eos_token=eos)
                except Exception as error:  # a template may refuse a case (e.g. a system turn); record the refusal
                    text = None
                    print(name, "refuses", [m["role"] for m in shown], error)
                cases.append({"messages": shown, "add_generation_prompt": generation, "text": text})
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump({"source": f"trl {trl.__version__} chat_templates/{name}.jinja", "renderer": f"transformers {transformers.__version__}",
                       "template": template, "bos_token": bos, "eos_token": eos, "cases": cases}, f, indent=1)
            f.write("\n")
        print(name, len(cases))
