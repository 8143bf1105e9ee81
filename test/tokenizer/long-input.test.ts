// Issue #14 item 4: a record far beyond max-seq-len is cut before it is rendered and tokenized. What is kept must be
// what the whole record gives: the first maxTokens ids and trained-mask bits equal the uncut tokenization's.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { initModel } from '../../engine/src/init/init-model';
import type { ChatTurn } from '../../tokenizer/src/chat-template';
import { characterBudget, cutText, cutTurns } from '../../tokenizer/src/long-input';
import { loadChatTokenizer } from '../../tokenizer/src/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'long-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));
initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'model'), seed: 2 });
const tokenizer = loadChatTokenizer(join(dir, 'model'));

/** Varied text: words, digits, punctuation, CJK and emoji (surrogate pairs), so cuts land anywhere. */
function longText(characters: number, seed: number): string {
  const pieces = ['the', 'quick', 'brown', 'fox', '12345', ',', '.', '数据', '模型', '🙂', '\n', 'jumps', 'über', '   '];
  let text = '';
  let state = seed;
  while (text.length < characters) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += pieces[state % pieces.length] + (state % 3 === 0 ? '' : ' ');
  }
  return text;
}

test('cutTurns keeps whole turns that fit, cuts the one that crosses, drops the rest; never splits a surrogate pair', () => {
  const turns: ChatTurn[] = [{ role: 'user', content: 'abcd', trained: false }, { role: 'assistant', content: 'efghij', trained: true }, { role: 'user', content: 'kl', trained: false }];
  assert.deepEqual(cutTurns(turns, 100), { turns, cut: false });
  assert.deepEqual(cutTurns(turns, 7), { turns: [turns[0], { ...turns[1], content: 'efg' }], cut: true });
  assert.deepEqual(cutTurns(turns, 4), { turns: [turns[0]], cut: true });
  assert.equal(cutText('ab🙂c', 3), 'ab');
  assert.equal(characterBudget(100, 10), 1160);
});

test('a cut conversation gives the uncut one\'s first maxTokens ids and mask, for cuts in any turn', () => {
  for (const [seed, maxTokens] of [[1, 64], [2, 100], [3, 257]]) {
    const budget = characterBudget(maxTokens, tokenizer.longestTokenLength);
    for (const turns of [
      [{ role: 'user', content: longText(3 * budget, seed), trained: false }, { role: 'assistant', content: 'short', trained: true }],
      [{ role: 'user', content: 'Q?', trained: false }, { role: 'assistant', content: longText(3 * budget, seed + 10), trained: true }],
      [{ role: 'system', content: longText(budget / 2, seed), trained: false }, { role: 'user', content: 'Q?', trained: false }, { role: 'assistant', content: longText(2 * budget, seed + 20), trained: true }],
    ]) {
      const whole = tokenizer.tokenizeChat(turns);
      const cut = tokenizer.tokenizeChat(turns, { maxTokens });
      assert.equal(cut.cut, true);
      assert.ok(cut.ids.length > maxTokens && cut.ids.length < whole.ids.length, `${cut.ids.length} ids, ${whole.ids.length} uncut`);
      assert.deepEqual(cut.ids.slice(0, maxTokens), whole.ids.slice(0, maxTokens));
      assert.deepEqual([...cut.trainedMask.subarray(0, maxTokens)], [...whole.trainedMask.subarray(0, maxTokens)]);
    }
    const text = longText(3 * budget, seed + 30);
    assert.deepEqual(tokenizer.tokenizeText(text, { maxTokens }).ids.slice(0, maxTokens), tokenizer.tokenizeText(text).ids.slice(0, maxTokens));
  }
});

test('a record within reach of the limit is tokenized whole', () => {
  const turns = [{ role: 'user', content: 'Hello there', trained: false }, { role: 'assistant', content: longText(500, 4), trained: true }];
  const limited = tokenizer.tokenizeChat(turns, { maxTokens: 64 });
  assert.equal(limited.cut, undefined);
  assert.deepEqual(limited.ids, tokenizer.tokenizeChat(turns).ids);
});

test('a template that refuses a conversation without a user turn still renders a cut one (later turns emptied)', () => {
  const strict = join(dir, 'strict');
  cpSync(join(dir, 'model'), strict, { recursive: true });
  const configFile = join(strict, 'tokenizer_config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  const template = "{% if messages | selectattr('role', 'equalto', 'user') | list | length == 0 %}{{ raise_exception('no user turn') }}{% endif %}" +
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}";
  writeFileSync(configFile, JSON.stringify({ ...config, chat_template: template }));
  const strictTokenizer = loadChatTokenizer(strict);
  const maxTokens = 64;
  // The huge system prompt is cut, so the cut conversation alone would be [system]: the template refuses that.
  const turns = [{ role: 'system', content: longText(3 * characterBudget(maxTokens, strictTokenizer.longestTokenLength), 7), trained: false }, { role: 'user', content: 'Hi', trained: false }, { role: 'assistant', content: 'Fine.', trained: true }];
  const cut = strictTokenizer.tokenizeChat(turns, { maxTokens });
  assert.equal(cut.cut, true);
  assert.deepEqual(cut.ids.slice(0, maxTokens), strictTokenizer.tokenizeChat(turns).ids.slice(0, maxTokens));
});
