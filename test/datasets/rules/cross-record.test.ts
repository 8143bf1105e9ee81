// Rules that compare records or judge the file: duplicates, conflicting and near duplicates, eval overlap,
// mixed formats, dataset-level rules; and the document-only ones (high-loss, file-too-large, too-many-findings).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Dataset } from '../../../datasets/src/cross-line/document';
import { createDatasetDocument, defaultSettings } from '../../../datasets/src/index';
import { severityRank } from '../../../datasets/src/output/findings';
import { at, chat, ruleTester } from './rule-tester';

const a = chat('What is the capital of France?', 'The capital of France is Paris.');
const b = chat('What is the boiling point of water?', 'Water boils at 100 degrees Celsius at sea level.');
const c = chat('Name a primary colour.', 'Red is a primary colour.');
const plants =
  'Water houseplants only when the top few centimetres of soil feel dry, give them bright indirect light, use pots with drainage holes, feed them lightly in spring and summer, and wipe the dust off their leaves every few weeks.';

ruleTester('duplicate', {
  valid: [[a, b, c], [a, chat('What is the capital of France?', 'Paris.')]],
  invalid: [
    { text: [a, b, a], errors: [{ line: 3, ...at(a, '"messages"'), message: 'duplicate of the record on line 1', fixed: [a, b] }] },
    // whitespace and case do not matter
    { text: [a, b, chat('what is the capital of  France?', 'The capital of FRANCE is Paris. ')], errors: [{ line: 3, column: 2, endColumn: 12, message: 'duplicate of the record on line 1' }] },
    { text: [a, a, a], errors: [{ line: 2, column: 2, message: 'duplicate of the record on line 1', fixed: [a, a] }, { line: 3, column: 2, message: 'duplicate of the record on line 1', fixed: [a, a] }] },
  ],
});

ruleTester('conflicting-duplicate', {
  valid: [[a, b], [a, a]],
  invalid: [{ text: [a, b, chat('What is the capital of France?', 'It is Lyon, obviously.')], errors: [{ line: 3, column: 2, endColumn: 12, message: 'same prompt as line 1 with a different response' }] }],
});

ruleTester('near-duplicate', {
  valid: [[chat('How do I care for houseplants?', plants), b], { text: [chat('How do I care for houseplants?', plants), chat('How do I care for houseplants?', plants.replace('few weeks', 'two weeks'))], settings: { severities: { 'near-duplicate': 'off' } } }],
  invalid: [
    { text: [chat('How do I care for houseplants?', plants), b, chat('How do I care for houseplants?', plants.replace('few weeks', 'two weeks'))], errors: [{ line: 3, column: 2, endColumn: 12, message: 'nearly the same as line 1 (about 95% similar)' }] },
    { text: [chat('Houseplant care tips?', plants), chat('Any houseplant care tips?', plants)], errors: [{ line: 2, column: 2, endColumn: 12, message: 'nearly the same as line 1 (about 95% similar)', fixed: [chat('Houseplant care tips?', plants)] }] },
  ],
});

const dir = mkdtempSync(join(tmpdir(), 'finetune-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const evalFile = join(dir, 'eval.jsonl');
writeFileSync(evalFile, [chat('Who wrote Hamlet?', 'William Shakespeare.'), c].join('\n'));

ruleTester('eval-overlap', {
  settings: { evalFile },
  valid: [[a, b]],
  invalid: [
    { text: [a, c], errors: [{ line: 2, column: 2, endColumn: 12, message: 'this record is also in the eval file (line 2)' }] },
    { text: [chat('Who wrote Hamlet?', 'Shakespeare wrote it around 1600.'), a], errors: [{ line: 1, column: 2, endColumn: 12, message: 'the eval file asks the same prompt (line 1)' }] },
    { text: [a], errors: [{ line: 1, column: 1, endColumn: 2, message: /^cannot read the eval file .*missing\.jsonl: / }], settings: { evalFile: join(dir, 'missing.jsonl') } },
  ],
});

ruleTester('too-few-examples', {
  valid: [{ text: [a, b, c], settings: { minExamples: 3 } }, { text: '', settings: { minExamples: 3 } }],
  invalid: [{ text: [a, b], errors: [{ column: 1, endColumn: 2, message: 'only 2 records: fine-tuning usually needs at least 3' }], settings: { minExamples: 3 } }],
});

const alpaca = '{"instruction": "Convert 5 km to miles.", "output": "About 3.1 miles."}';
ruleTester('format-mix', {
  valid: [[a, b], [alpaca]],
  invalid: [{ text: [a, b, alpaca], errors: [{ column: 1, endColumn: 2, message: 'the file mixes 2 formats: 2 messages, 1 alpaca' }] }],
});

ruleTester('length-distribution', {
  settings: { maxSeqLen: 40, severities: { 'too-long': 'off' } },
  valid: [[a, b, c]],
  invalid: [{ text: [a, b, chat('Tell me about Paris.', 'Paris is the capital of France, known for the Louvre, the Eiffel Tower, its cafés, and the river Seine that runs through it.')], errors: [{ column: 1, endColumn: 2, message: '33.3% of records (1 of 3) exceed the maximum sequence length of 40 (estimated token counts)' }] }],
});

test('high-loss: records far above the median loss are reported, and follow their lines through edits', () => {
  const lines = Array.from({ length: 10 }, (_, i) => chat(`Question number ${i}?`, `Answer number ${i}.`));
  const document = createDatasetDocument('file:///losses.jsonl', lines.join('\n'), { ...defaultSettings(), minExamples: 0 });
  const losses = new Map(lines.map((_, i) => [i, i === 6 ? 9.5 : 1 + i * 0.01]));
  document.setLosses(losses);
  const found = () => document.findings().filter((finding) => finding.rule === 'high-loss').map((finding) => finding.range.start.line);
  assert.deepEqual(found(), [6]);
  document.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `${chat('New first line?', 'Yes.')}\n` }]);
  assert.deepEqual(found(), [7]);
  assert.equal(document.report().losses?.counts.reduce((sum, count) => sum + count, 0), 10);
  document.setLosses(null);
  assert.deepEqual(found(), []);
});

test('file-too-large: a document above the size limit gets one finding instead of validation', () => {
  const text = Array.from({ length: 2000 }, () => '{"bad json').join('\n');
  const document = createDatasetDocument('file:///big.jsonl', text, { ...defaultSettings(), maxDocumentSizeMB: 0.01 });
  const findings = document.findings();
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.range.start.line]), [['file-too-large', 0]]);
  // shrinking it below the limit brings validation back
  document.applyChanges([{ text: '{"bad json' }]);
  assert.deepEqual(document.findings().map((finding) => finding.rule), ['json-syntax']);
});

test('too-many-findings: findings are capped per file, errors first, with a summary', () => {
  const lines = [...Array.from({ length: 30 }, (_, i) => chat(`Question ${i}?`, `Answer ${i}.   `)), '{"broken', '{"also broken'];
  const document = createDatasetDocument('file:///many.jsonl', lines.join('\n'), { ...defaultSettings(), minExamples: 0, maxFindingsPerFile: 5 });
  const findings = document.findings();
  assert.equal(findings.length, 6);
  assert.equal(findings[0].rule, 'too-many-findings');
  assert.deepEqual(findings.filter((finding) => finding.rule === 'json-syntax').map((finding) => finding.range.start.line), [30, 31]);
});

test('too-many-findings: the shown findings are those of sorting every finding by severity, then line, and cutting', () => {
  const problems = readFileSync('examples/problems/problems.jsonl', 'utf8').split('\n');
  const lines = Array.from({ length: 12 }, (_, i) => [...problems, chat(`Question ${i % 4}?`, `Answer ${i}.  `), a, '{"broken']).flat();
  for (const cap of [1, 7, 40, 150, 100_000]) {
    const document = new Dataset('file:///capped.jsonl', lines.join('\n'), { ...defaultSettings(), maxFindingsPerFile: cap });
    for (const edit of ['', 'x']) {
      if (edit) document.applyChanges([{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: edit }]);
      const all = document.allFindings();
      const expected = all.length <= cap ? all : all.map((finding, order) => ({ finding, order })).sort((x, y) => severityRank(x.finding.severity) - severityRank(y.finding.severity) || x.order - y.order).slice(0, cap).sort((x, y) => x.order - y.order).map((item) => item.finding);
      const shown = document.findings();
      assert.deepEqual(all.length <= cap ? shown : shown.slice(1), expected, `cap ${cap}`);
      if (all.length > cap) assert.equal(shown[0].message.includes(String(all.length)), true);
    }
  }
});
