// The same tokens carry the loss, checked without Python: a conversation with two trained assistant turns becomes two
// prompt/completion records; each record's prompt (rendered with the generation prompt, as TRL renders it) ends
// where our trainer's first trained token of that turn starts, and prompt + completion renders to a prefix of our
// whole conversation. ChatML writes "\n" after <|im_end|>, which the engines also train; a template without it
// trains exactly our tokens. (`npm run test:interop` checks the same against TRL's own tokenization.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../../engine/src/init/init-model';
import { loadChatTokenizer, type ChatTurn } from '../../../tokenizer/src/tokenizer';
import { alignLossTokens, carriesSameLoss, trainedRuns } from '../../../engine/src/recipes/loss-alignment';

let dir: string;

const conversation: ChatTurn[] = [
  { role: 'system', content: 'You answer in one sentence.', trained: false },
  { role: 'user', content: 'What is a mutex?', trained: false },
  { role: 'assistant', content: 'A lock that lets one thread at a time into a critical section.', trained: true },
  { role: 'user', content: 'And a semaphore?', trained: false },
  { role: 'assistant', content: 'A counter that lets up to N threads in at once.', trained: true },
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-loss-alignment-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'chatml'), seed: 2 });
  initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'tight'), seed: 2 });
  // The same model with a template that writes nothing after the end-of-turn token.
  const configFile = join(dir, 'tight', 'tokenizer_config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  config.chat_template = "{%- for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' }}{%- endfor %}{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}";
  writeFileSync(configFile, JSON.stringify(config));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('trainedRuns finds each run of trained tokens', () => {
  assert.deepEqual(trainedRuns([0, 1, 1, 0, 0, 1, 0, 1]), [[1, 3], [5, 6], [7, 8]]);
  assert.deepEqual(trainedRuns([]), []);
});

for (const [template, expected] of [['chatml', 'plus-trailing-whitespace'], ['tight', 'exact']] as const) {
  test(`${template} template: each record's completion starts at our first trained token of its turn and covers the rest of it`, () => {
    const tokenizer = loadChatTokenizer(join(dir, template));
    const whole = tokenizer.tokenizeChat(conversation);
    const alignments = alignLossTokens(tokenizer, conversation);
    assert.deepEqual(alignments.map((alignment) => alignment.turnIndex), [2, 4]);
    for (const alignment of alignments) {
      const turns = conversation.slice(0, alignment.turnIndex + 1);
      // prompt (with the generation prompt) + completion renders to a prefix of our whole conversation's text
      const prompt = tokenizer.renderChat(turns.slice(0, -1), { addGenerationPrompt: true });
      const record = tokenizer.renderChat(turns);
      assert.ok(record.startsWith(prompt));
      assert.ok(whole.text.startsWith(record), 'the record is a prefix of the whole conversation');
      // the completion's first token is our first trained token of that turn; our trained run ends with <|im_end|>
      assert.equal(alignment.promptTokens, alignment.ourStart);
      assert.equal(whole.trainedMask[alignment.ourStart - 1], 0);
      assert.equal(tokenizer.decode([whole.ids[alignment.ourEnd - 1]]), '<|im_end|>');
      assert.ok(alignment.samePrefix);
      assert.equal(carriesSameLoss(alignment), expected);
      assert.equal(alignment.extraText, expected === 'exact' ? '' : '\n');
    }
    // the last record is the whole conversation
    assert.equal(alignments[1].recordTokens, whole.ids.length);
  });
}

test('a record that TRL would render differently is reported as different', () => {
  assert.equal(carriesSameLoss({ turnIndex: 2, ourStart: 10, ourEnd: 20, promptTokens: 9, recordTokens: 20, samePrefix: true, extraText: '' }), 'different');
  assert.equal(carriesSameLoss({ turnIndex: 2, ourStart: 10, ourEnd: 20, promptTokens: 10, recordTokens: 22, samePrefix: true, extraText: 'Hi' }), 'different');
  assert.equal(carriesSameLoss({ turnIndex: 2, ourStart: 10, ourEnd: 20, promptTokens: 10, recordTokens: 20, samePrefix: false, extraText: '' }), 'different');
});
