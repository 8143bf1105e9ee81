// The workspace config file (schema, lookup, path resolution, located errors, the committed JSON schema), format
// conversion, and the trainer's parseExamples/assertTrainable.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  assertTrainable,
  configJsonSchema,
  convertDataset,
  findWorkspaceConfig,
  loadWorkspaceConfig,
  parseExamples,
  settingsForFile,
} from '../../datasets/src/index';
import { UserError } from '../../contracts/src/user-error';

const dir = mkdtempSync(join(tmpdir(), 'finetune-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the config file is found above a dataset and its paths resolve against its folder', () => {
  mkdirSync(join(dir, 'data', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'finetune.config.json'), JSON.stringify({ maxSeqLen: 512, rules: { pii: 'error', whitespace: 'off' }, evalFile: 'data/eval.jsonl', baseModel: 'models/tiny' }));
  const dataset = join(dir, 'data', 'nested', 'train.jsonl');
  assert.equal(findWorkspaceConfig(dataset), join(dir, 'finetune.config.json'));
  const { settings } = settingsForFile(dataset);
  assert.equal(settings.maxSeqLen, 512);
  assert.equal(settings.severities.pii, 'error');
  assert.equal(settings.severities.whitespace, 'off');
  assert.equal(settings.evalFile, join(dir, 'data', 'eval.jsonl'));
  assert.equal(settings.baseModel, join(dir, 'models', 'tiny'));
});

test('a bad config file is a located error naming the file and the key', () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ rules: { 'no-such-rule': 'error' } }));
  assert.throws(() => loadWorkspaceConfig(file), (error: Error) => error instanceof UserError && error.code === 'config' && error.message.includes(file) && error.message.includes('no-such-rule'));
  writeFileSync(file, JSON.stringify({ maxSeqLen: -3 }));
  assert.throws(() => loadWorkspaceConfig(file), (error: Error) => error.message.includes('maxSeqLen'));
  writeFileSync(file, '{\n  "maxSeqLen": 512,\n}');
  assert.throws(() => loadWorkspaceConfig(file), (error: Error) => error.message.includes(`${file}:3:1`));
});

test('schemas/finetune.config.schema.json matches the zod schema (UPDATE_SCHEMAS=1 rewrites it)', () => {
  const path = join('schemas', 'finetune.config.schema.json');
  const expected = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(path, expected);
  assert.equal(readFileSync(path, 'utf8'), expected, 'the committed JSON schema is stale: run UPDATE_SCHEMAS=1 node scripts/run-tests.mjs config-convert');
  const schema = configJsonSchema() as { properties: { rules: { properties: Record<string, unknown> } } };
  assert.ok('pii' in schema.properties.rules.properties);
});

test('conversion goes through the canonical conversation and lists what the target cannot hold', () => {
  const text = [
    '{"id": 7, "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}',
    '{"messages": [{"role": "user", "content": "A"}, {"role": "assistant", "content": "B"}, {"role": "user", "content": "C"}, {"role": "assistant", "content": "D"}]}',
    'not json',
  ].join('\n');
  const alpaca = convertDataset(text, 'alpaca');
  assert.equal(alpaca.converted, 2);
  const [first, second] = alpaca.text.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(first, { id: 7, instruction: 'Hi', input: '', output: 'Hello.' });
  assert.deepEqual(second.history, [['A', 'B']]);
  assert.deepEqual(alpaca.skipped.map((item) => item.line), [2]);
  const completion = convertDataset(text, 'prompt-completion');
  assert.equal(completion.converted, 1);
  assert.deepEqual(completion.skipped.map((item) => item.line), [1, 2]);
  const back = convertDataset(alpaca.text, 'messages');
  assert.deepEqual(JSON.parse(back.text.split('\n')[0]).messages, [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }]);
  const sharegpt = convertDataset(text, 'sharegpt');
  assert.deepEqual(JSON.parse(sharegpt.text.split('\n')[0]).conversations.map((turn: { from: string }) => turn.from), ['human', 'gpt']);
});

test('parseExamples returns canonical examples, and assertTrainable names file, line and column of errors', async () => {
  const good = await parseExamples({ path: join('examples', 'chat.jsonl') });
  assert.equal(good.examples.length, readFileSync(join('examples', 'chat.jsonl'), 'utf8').trim().split('\n').length);
  assert.doesNotThrow(() => assertTrainable(good, 'examples/chat.jsonl'));
  const bad = await parseExamples({ text: '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}\n{"messages": [1,]}' });
  assert.equal(bad.examples.length, 1);
  assert.throws(() => assertTrainable(bad, 'train.jsonl'), (error: Error) => error instanceof UserError && error.code === 'dataset' && error.message.includes('train.jsonl:2:') && error.message.includes('json-syntax'));
});
