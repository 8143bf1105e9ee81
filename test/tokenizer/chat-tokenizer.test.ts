import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHAT_TEMPLATE } from '../../tokenizer/src/chat-template';
import { ModelFileError } from '../../contracts/src/model-file-error';
import { loadChatTokenizer, type ChatTokenizer, type ChatTurn } from '../../tokenizer/src/tokenizer';
import { buildTokenizer } from '../../engine/src/init/tokenizer-builder';

let root: string;
const built = buildTokenizer(1024, 512);

before(() => {
  root = mkdtempSync(join(tmpdir(), 'chat-tokenizer-test-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A tokenizer folder with the built-in BPE, extra special tokens, and the given tokenizer_config overrides. */
function tokenizerWith(name: string, config: Record<string, unknown>, extraSpecial: string[] = []): ChatTokenizer {
  const dir = join(root, name);
  const json = structuredClone(built.tokenizerJson) as { added_tokens: Array<Record<string, unknown>> };
  extraSpecial.forEach((content, i) => json.added_tokens.push({ id: built.vocabSize + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...built.tokenizerConfig, ...config }));
  return loadChatTokenizer(dir);
}

const CONVERSATION: ChatTurn[] = [
  { role: 'system', content: 'You are brief.', trained: false },
  { role: 'user', content: 'What is the capital of France?', trained: false },
  { role: 'assistant', content: 'Paris.', trained: true },
  { role: 'user', content: '中国的首都是哪里？', trained: false },
  { role: 'assistant', content: '北京。', trained: true },
];

function spanTexts(tokenizer: ChatTokenizer, turns: ChatTurn[]): string[] {
  const { text, spans } = tokenizer.renderTrainingText(turns);
  return spans.map(([start, end]) => text.slice(start, end));
}

/** Decoded runs of consecutive trained tokens. */
function trainedRuns(tokenizer: ChatTokenizer, turns: ChatTurn[]): string[] {
  const { ids, trainedMask } = tokenizer.tokenizeChat(turns);
  const runs: string[] = [];
  let run: number[] = [];
  ids.forEach((id, i) => {
    if (trainedMask[i]) run.push(id);
    else if (run.length) {
      runs.push(tokenizer.decode(run));
      run = [];
    }
  });
  if (run.length) runs.push(tokenizer.decode(run));
  return runs;
}

test('encode/decode round-trips English, Chinese and bytes outside the corpus', () => {
  const tokenizer = tokenizerWith('plain', {});
  for (const text of ['The weather today is sunny.', '今天天气很好，我们去公园吧。', 'emoji 🎉 and ünïcödé', '  spaces\n\ttabs  ']) {
    assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
  }
  assert.ok(tokenizer.encode('The weather today is sunny.').length < 'The weather today is sunny.'.length / 2, 'merges compress text');
  assert.deepEqual(tokenizer.encode('<|im_start|>'), [built.special['<|im_start|>']]);
  assert.equal(tokenizer.eosTokenId, built.ids.eos);
  // Without a generation_config, only EOS and end tokens the template writes end a turn.
  assert.deepEqual(tokenizer.endOfTurnTokenIds, [built.ids.eos]);
});

test('ChatML: assistant turns are trained up to and including <|im_end|>, nothing else is', () => {
  const tokenizer = tokenizerWith('chatml', {});
  assert.equal(tokenizer.chatTemplate.source, 'model');
  assert.deepEqual(spanTexts(tokenizer, CONVERSATION), ['Paris.<|im_end|>', '北京。<|im_end|>']);
  assert.deepEqual(trainedRuns(tokenizer, CONVERSATION), ['Paris.<|im_end|>', '北京。<|im_end|>']);
  const { ids, trainedMask, text } = tokenizer.tokenizeChat(CONVERSATION);
  assert.deepEqual(ids, tokenizer.encode(text), 'labels are over the whole-text tokenization');
  assert.equal(trainedMask.length, ids.length);
  const counts = tokenizer.countTokens(CONVERSATION);
  assert.equal(counts.total, ids.length);
  assert.equal(counts.response, trainedMask.reduce((a, b) => a + b, 0));
  assert.equal(counts.prompt + counts.response, counts.total);
  // A turn marked not trained stays out of the loss.
  const partial = CONVERSATION.map((turn, i) => (i === 2 ? { ...turn, trained: false } : turn));
  assert.deepEqual(trainedRuns(tokenizer, partial), ['北京。<|im_end|>']);
  assert.equal(tokenizer.renderChat(CONVERSATION.slice(0, 2), { addGenerationPrompt: true }).endsWith('<|im_start|>assistant\n'), true);
});

test('Llama 3 style template with a BOS token and <|eot_id|> ends', () => {
  const template =
    "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
  const tokenizer = tokenizerWith('llama3', { chat_template: template, bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>' }, ['<|begin_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>']);
  assert.deepEqual(spanTexts(tokenizer, CONVERSATION), ['Paris.<|eot_id|>', '北京。<|eot_id|>']);
  const { ids } = tokenizer.tokenizeChat(CONVERSATION);
  assert.equal(ids[0], tokenizer.bosTokenId);
  assert.ok(tokenizer.endOfTurnTokenIds.includes(tokenizer.tokenToId('<|eot_id|>')!));
  assert.deepEqual(trainedRuns(tokenizer, CONVERSATION), ['Paris.<|eot_id|>', '北京。<|eot_id|>']);
});

test('Mistral style template: EOS after each answer, raise_exception surfaces as a located error', () => {
  const template =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";
  const tokenizer = tokenizerWith('mistral', { chat_template: template, bos_token: '<|endoftext|>', eos_token: '<|im_end|>' });
  const turns = CONVERSATION.slice(1);
  assert.deepEqual(spanTexts(tokenizer, turns), ['Paris.<|im_end|>', '北京。<|im_end|>']);
  assert.throws(() => tokenizer.renderChat(CONVERSATION), (error: unknown) => error instanceof ModelFileError && error.code === 'bad-chat-template' && error.key === 'chat_template');
});

test('a template that rewrites earlier turns (Qwen3 style) falls back to locating the content', () => {
  const template =
    "{% for m in messages %}{% if m.role == 'assistant' and loop.last %}{{ '<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n' + m.content + '<|im_end|>\\n' }}" +
    "{% else %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
  const tokenizer = tokenizerWith('qwen3', { chat_template: template });
  assert.deepEqual(spanTexts(tokenizer, CONVERSATION), ['Paris.<|im_end|>', '<think>\n\n</think>\n\n北京。<|im_end|>']);
});

test('chat_template as a list of named templates uses the default one; no template means ChatML, said so', () => {
  const listed = tokenizerWith('listed', { chat_template: [{ name: 'tool_use', template: 'TOOLS' }, { name: 'default', template: '{{ messages[0].content }}' }] });
  assert.equal(listed.renderChat(CONVERSATION), 'You are brief.');
  const none = tokenizerWith('none', { chat_template: undefined });
  assert.equal(none.chatTemplate.source, 'default');
  assert.equal(none.chatTemplate.text, DEFAULT_CHAT_TEMPLATE);
  assert.deepEqual(spanTexts(none, CONVERSATION), ['Paris.<|im_end|>', '北京。<|im_end|>']);
  assert.throws(() => tokenizerWith('broken', { chat_template: '{% for %}' }), (error: unknown) => error instanceof ModelFileError && error.code === 'bad-chat-template');
});

test('a token straddling a span boundary counts as trained (it overlaps the span)', () => {
  // Glued text: the role letter and the content share a pre-token, so BPE may merge across the boundary.
  const tokenizer = tokenizerWith('glued', { chat_template: "{% for m in messages %}{{ m.content }}{% endfor %}", eos_token: null });
  const turns: ChatTurn[] = [{ role: 'user', content: 'the wea', trained: false }, { role: 'assistant', content: 'ther today', trained: true }];
  const { text, spans, ids, trainedMask } = tokenizer.tokenizeChat(turns);
  assert.deepEqual(spans, [[7, 17]]);
  const first = trainedMask.indexOf(1);
  assert.ok(first >= 0);
  assert.ok(tokenizer.decode(ids.slice(0, first)).length < 7, 'the token holding " weather" straddles the boundary and is trained');
  assert.ok(tokenizer.decode(ids.slice(first)).endsWith('ther today'));
  assert.equal(text, 'the weather today');
});

test('plain text is trained whole and ends with EOS', () => {
  const tokenizer = tokenizerWith('text', {});
  const { ids, trainedMask } = tokenizer.tokenizeText('Hello world');
  assert.equal(ids[ids.length - 1], tokenizer.eosTokenId);
  assert.ok(trainedMask.every((bit) => bit === 1));
});
