// Model-folder loading with mutated config.json, generation_config.json, tokenizer_config.json (chat template
// included) and chat_template.jinja, over real weights: loadModelFolder either loads the folder or refuses it with a
// one-line ModelFileError; a loaded tokenizer renders and tokenizes conversations (or refuses them with one); and the
// dataset service, given the folder as its base model, lints a dataset and opens it as a document (findings, hover,
// render) without throwing.
//
// An input is a JSON bundle: {"weights": "tiny" | golden variant, "files": {name: text | null}}. Weights are linked,
// not copied, and so is the tiny model's tokenizer.json unless the bundle carries its own: only text files mutate.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatTurn } from '../../tokenizer/src/chat-template';
import { INDEX_FILE, loadModelFolder } from '../../engine/src/io/model-folder';
import { initModel } from '../../engine/src/init/init-model';
import { createDatasetDocument, defaultSettings, lintText } from '../../datasets/src/index';
import { COMMON_TOKENS, mutateBytes, mutateJsonText } from '../mutate';
import type { Random } from '../random';
import type { Target, TargetContext } from '../target';
import { GOLDEN, goldenVariants, ROOT } from './seeds';

const TEXT_FILES = ['config.json', 'generation_config.json', 'tokenizer_config.json', 'chat_template.jinja', 'tokenizer.json'];

const TOKENS = [...COMMON_TOKENS, '"vocab_size"', '"hidden_size"', '"num_hidden_layers"', '"num_attention_heads"', '"num_key_value_heads"',
  '"head_dim"', '"intermediate_size"', '"rope_scaling"', '"rope_theta"', '"tie_word_embeddings"', '"model_type"', '"qwen2"', '"qwen3"',
  '"mistral"', '"llama"', '"eos_token_id"', '"bos_token_id"', '"chat_template"', '"eos_token"', '"bos_token"', '"sliding_window"',
  '{"rope_type":"llama3","factor":8,"low_freq_factor":1,"high_freq_factor":4,"original_max_position_embeddings":8192}'];

/** Jinja pieces: a template edit inserts one of them, so mutated templates still mostly parse. */
const JINJA = ['{{ ', ' }}', '{% ', ' %}', '{%- for m in messages %}', '{% endfor %}', '{% if loop.first %}', '{% endif %}', "{{ raise_exception('no') }}",
  '{{ messages[0].content }}', '{{ messages[-1]["role"] }}', '{{ message.content | trim }}', '{{ bos_token }}', '{{ eos_token }}', '<|im_end|>',
  '{% set x = messages | length %}', '{{ x * 2 }}', '{{ "a" * 3 }}', '{{ messages | tojson }}', '{% for i in range(3) %}{{ i }}{% endfor %}',
  '{{ loop.index0 % 2 }}', '{% elif %}', '{{ none.x }}', '{{ message["content"][0] }}', "{{ '\\n' }}", '{#', '#}', '{% macro m() %}{% endmacro %}'];

/** Templates of real model families, from test/engine/io/chat-tokenizer.test.ts. */
const TEMPLATES = [
  "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
  "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}",
  "{% for m in messages %}{% if m.role == 'assistant' and loop.last %}{{ '<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n' + m.content + '<|im_end|>\\n' }}" +
    "{% else %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
];

interface Bundle {
  weights: string;
  files: Record<string, string | null>;
}

function parseBundle(input: Buffer): Bundle | null {
  try {
    const bundle = JSON.parse(input.toString('utf8')) as Bundle;
    return typeof bundle.weights === 'string' && bundle.files && typeof bundle.files === 'object' ? bundle : null;
  } catch {
    return null;
  }
}

/** The folder the bundle's weights come from: the tiny model made for this run, or a golden fixture. */
function weightsDir(bundle: Bundle, context: TargetContext): string | null {
  if (bundle.weights === 'tiny') return context.baseModel;
  return goldenVariants().includes(bundle.weights) ? join(GOLDEN, bundle.weights) : null;
}

/** Conversations from the example dataset plus a few odd ones: a lone system turn, tool turns, empty text. */
function conversations(): ChatTurn[][] {
  const lines = readFileSync(join(ROOT, 'examples', 'chat.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 3);
  const examples = lines.map((line) => (JSON.parse(line) as { messages: Array<{ role: string; content: string }> }).messages.map((m) => ({ ...m, trained: m.role === 'assistant' })));
  return [...examples, [{ role: 'system', content: 'Only a system turn.', trained: false }],
    [{ role: 'user', content: '', trained: false }, { role: 'tool', content: '{"a": 1}', trained: false }, { role: 'assistant', content: '字 😀', trained: true }]];
}

/** The JSON object in `text`, or null: an earlier mutation may have left the file as no JSON at all. */
function parsedObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function mutateBundle(bundle: Bundle, random: Random, seeds: readonly Buffer[]): void {
  // tokenizer.json is mutated where the seed carries it; elsewhere the tiny model's is linked
  const name = random.pick(TEXT_FILES.filter((file) => file !== 'tokenizer.json' || typeof bundle.files[file] === 'string'));
  const text = bundle.files[name];
  if (random.chance(0.05)) bundle.files[name] = null; // a file goes missing
  else if (text === null || text === undefined) bundle.files[name] = name === 'chat_template.jinja' ? random.pick(TEMPLATES) : '{}';
  else if (name === 'chat_template.jinja' || (name === 'tokenizer_config.json' && random.chance(0.5))) {
    // template edits: in the .jinja file, or inside tokenizer_config.json's chat_template
    const config = name === 'tokenizer_config.json' ? parsedObject(text) : null;
    const template = config ? (typeof config.chat_template === 'string' ? config.chat_template : random.pick(TEMPLATES)) : text;
    const at = random.int(template.length + 1);
    const edited = random.chance(0.3) ? random.pick(TEMPLATES)
      : random.chance(0.6) ? template.slice(0, at) + random.pick(JINJA) + template.slice(at + random.small(20))
      : mutateBytes(Buffer.from(template), random, JINJA, seeds).toString('utf8');
    bundle.files[name] = config ? JSON.stringify({ ...config, chat_template: edited }) : edited;
  } else {
    bundle.files[name] = mutateJsonText(Buffer.from(text), random, TOKENS, seeds).toString('utf8');
  }
  if (random.chance(0.05)) bundle.weights = random.pick(['tiny', ...goldenVariants()]);
}

export const modelFolderTarget: Target = {
  name: 'model-folder',
  async prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'finetune-fuzz-model-'));
    initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'tiny') });
    return { context: { baseModel: join(dir, 'tiny') }, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  },
  seeds(context) {
    const tokenizerConfig = readFileSync(join(context.baseModel, 'tokenizer_config.json'), 'utf8');
    const bundle = (weights: string, dir: string, extra: Record<string, string | null> = {}) => {
      const files: Record<string, string | null> = { 'tokenizer_config.json': tokenizerConfig, ...extra };
      for (const name of ['config.json', 'generation_config.json']) files[name] = existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null;
      return Buffer.from(JSON.stringify({ weights, files }));
    };
    return [
      bundle('tiny', context.baseModel),
      ...TEMPLATES.map((template) => bundle('tiny', context.baseModel, { 'chat_template.jinja': template })),
      ...goldenVariants().map((variant) => bundle(variant, join(GOLDEN, variant))),
      // one seed carries tokenizer.json itself (32 KB), so the tokenizer's own file is mutated too
      bundle('tiny', context.baseModel, { 'tokenizer.json': readFileSync(join(context.baseModel, 'tokenizer.json'), 'utf8') }),
    ];
  },
  mutate(seed, random, seeds) {
    const bundle = parseBundle(seed)!;
    for (let n = 1 + random.small(5); n > 0; n--) mutateBundle(bundle, random, seeds);
    return Buffer.from(JSON.stringify(bundle));
  },
  async check(input, context) {
    const bundle = parseBundle(input);
    const source = bundle && weightsDir(bundle, context);
    if (!bundle || !source) return; // not a bundle: nothing to load
    const dir = mkdtempSync(join(tmpdir(), 'finetune-fuzz-folder-'));
    try {
      for (const name of readdirSync(source)) if (name.endsWith('.safetensors') || name === INDEX_FILE) symlinkSync(join(source, name), join(dir, name));
      for (const [name, text] of Object.entries(bundle.files)) if (TEXT_FILES.includes(name) && typeof text === 'string') writeFileSync(join(dir, name), text);
      if (!('tokenizer.json' in bundle.files)) symlinkSync(join(context.baseModel, 'tokenizer.json'), join(dir, 'tokenizer.json'));
      // the language server's path: a base model whose tokenizer or template fails still lints (counts are estimated)
      const dataset = readFileSync(join(ROOT, 'examples', 'chat.jsonl'), 'utf8').split('\n').slice(0, 4).join('\n');
      try {
        const settings = { ...defaultSettings(), baseModel: dir };
        for await (const finding of lintText(dataset, settings)) void finding;
        const document = createDatasetDocument('file:///fuzz.jsonl', dataset, settings);
        document.findings();
        document.hover({ line: 1, character: 0 });
        document.render(2);
      } catch (error) {
        throw new Error(`the dataset service threw with this base model: ${(error as Error).message}`, { cause: error });
      }
      const folder = loadModelFolder(dir);
      for (const turns of conversations()) {
        folder.tokenizer!.renderChat(turns, { addGenerationPrompt: true });
        folder.tokenizer!.tokenizeChat(turns);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
