// The preview part's pure pieces: the prompt/expected split of a record, the model choices from run folders, the
// saved comparison file and its page, and a playground exchange as a record in each dataset format (checked by
// parsing it back through the dataset service).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeLine } from '../../../datasets/src/line/analyze-line';
import { defaultSettings } from '../../../datasets/src/settings';
import { createEstimateTokenCounter } from '../../../datasets/src/tokens/token-estimate';
import type { FormatId } from '../../../contracts/src/dataset-types';
import { comparisonFileName, comparisonHtml, listComparisons, readComparison, writeComparison, type ComparisonEntry } from '../../../extension/src/preview/compare-file';
import { baseOfRun, listModelChoices, targetOf } from '../../../extension/src/preview/model-choice';
import { appendedText, exchangeRecord } from '../../../extension/src/preview/playground-record';
import { previewParts } from '../../../extension/src/preview/record-prompt';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-preview-parts-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the prompt is the conversation before the last assistant turn; that turn is the expected response', () => {
  const parts = previewParts({
    line: 0,
    format: 'messages',
    turns: [
      { role: 'system', content: 'Be brief.', trained: false },
      { role: 'user', content: 'Hi', trained: false },
      { role: 'assistant', content: 'Hello.', trained: true },
      { role: 'user', content: 'Bye', trained: false },
      { role: 'assistant', content: 'Goodbye.', trained: true },
    ],
  });
  assert.ok(!('problem' in parts));
  assert.equal(parts.expected, 'Goodbye.');
  assert.deepEqual(parts.prompt.map((turn) => turn.role), ['system', 'user', 'assistant', 'user']);
  assert.ok('problem' in previewParts({ line: 0, format: 'text', turns: [{ role: 'assistant', content: 'x', trained: true }] }));
  assert.ok('problem' in previewParts({ line: 0, format: 'messages', turns: [{ role: 'user', content: 'x', trained: false }] }));
  assert.ok('problem' in previewParts({ line: 0, format: 'messages', turns: [{ role: 'system', content: 's', trained: false }, { role: 'assistant', content: 'x', trained: true }] }));
});

test('model choices: the base model, then runs with an adapter or a model; unfinished runs are left out', () => {
  const base = join(dir, 'base');
  const lora = join(dir, 'runs', 'lora-1');
  const full = join(dir, 'runs', 'full-1');
  const unfinished = join(dir, 'runs', 'running-1');
  for (const folder of [join(lora, 'adapter'), join(full, 'model'), unfinished]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(lora, 'run.json'), JSON.stringify({ config: { model: base } }));
  writeFileSync(join(lora, 'adapter', 'adapter_config.json'), '{}');
  writeFileSync(join(full, 'run.json'), JSON.stringify({ config: { model: base } }));
  writeFileSync(join(full, 'model', 'config.json'), '{}');
  writeFileSync(join(unfinished, 'run.json'), JSON.stringify({ config: { model: base } }));
  const choices = listModelChoices(base, [lora, full, unfinished]);
  assert.deepEqual(choices.map((choice) => choice.id), ['base', `run:${lora}`, `run:${full}`]);
  assert.deepEqual(targetOf(choices[1], 'cpu'), { model: base, adapter: join(lora, 'adapter'), device: 'cpu' });
  assert.deepEqual(targetOf(choices[2]), { model: join(full, 'model'), device: 'auto' });
  assert.equal(baseOfRun(choices[1])?.model, base);
  assert.equal(baseOfRun(choices[2])?.model, base);
  assert.deepEqual(listModelChoices(undefined, [unfinished]), []);
});

test('a comparison round-trips through its file; the page escapes text and loads nothing', () => {
  const runDir = join(dir, 'compare-run');
  mkdirSync(runDir, { recursive: true });
  const entries: ComparisonEntry[] = [
    { file: '/data/train.jsonl', line: 3, prompt: [{ role: 'user', content: 'Say <b>hi</b>' }], expected: 'Hi & bye', base: { text: '<script>x</script>', finishReason: 'max-new-tokens', tokens: 9 }, tuned: { text: 'Hi & bye', finishReason: 'stop-token', tokens: 4 } },
  ];
  const name = comparisonFileName(new Date('2026-01-02T03:04:05Z'));
  assert.equal(name, 'compare-20260102-030405.jsonl');
  writeComparison(join(runDir, name), entries);
  assert.deepEqual(readComparison(join(runDir, name)), entries);
  assert.deepEqual(listComparisons(runDir), [join(runDir, name)]);
  const html = comparisonHtml({ runDir, baseLabel: 'Base', tunedLabel: 'lora-1', entries }, { nonce: 'abc' });
  assert.ok(!html.includes('<script'), 'no script, not even the generated text');
  assert.ok(html.includes('&#60;script&#62;x&#60;/script&#62;'));
  assert.match(html, /default-src 'none'; style-src 'nonce-abc'/);
  assert.ok(html.includes('data-line="3"'));
  writeFileSync(join(runDir, 'compare-bad.jsonl'), '{"nope": 1}\n');
  assert.throws(() => readComparison(join(runDir, 'compare-bad.jsonl')), /compare-bad\.jsonl:1/);
});

test('a playground exchange becomes a record the dataset service parses back in each format', () => {
  const turns = [
    { role: 'user' as const, content: 'Name a fruit.' },
    { role: 'assistant' as const, content: 'An apple.' },
  ];
  const settings = defaultSettings();
  const counter = createEstimateTokenCounter();
  for (const format of ['messages', 'sharegpt', 'alpaca', 'prompt-completion', 'instruction-response'] as FormatId[]) {
    const record = exchangeRecord('', turns, format);
    assert.ok('line' in record, format);
    const analysis = analyzeLine(record.line, settings, counter, format);
    assert.equal(analysis.format, format);
    assert.deepEqual(analysis.turns?.map((turn) => [turn.role, turn.content]), [['user', 'Name a fruit.'], ['assistant', 'An apple.']], format);
  }
  const withSystem = exchangeRecord('Be brief.', turns, 'messages');
  assert.ok('line' in withSystem && JSON.parse(withSystem.line).messages[0].role === 'system');
  assert.ok('problem' in exchangeRecord('Be brief.', turns, 'prompt-completion'));
  assert.ok('problem' in exchangeRecord('', turns, 'text'));
  assert.ok('problem' in exchangeRecord('', turns.slice(0, 1), 'messages'));
  assert.equal(appendedText('', 'X'), 'X\n');
  assert.equal(appendedText('a\n', 'X'), 'X\n');
  assert.equal(appendedText('a', 'X'), '\nX\n');
});
