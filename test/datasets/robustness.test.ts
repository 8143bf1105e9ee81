// Bad input never crashes the service: binary files, deep nesting, huge numbers, lone surrogates, invalid UTF-8,
// a 10 MB line, and a file far larger than one string could hold is streamed (checked here with a line over the
// per-line limit, built without ever materialising it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findSyntaxError, locatePath, rawOffsetInString } from '../../datasets/src/line/json-scan';
import { createDatasetDocument, defaultSettings, lintFile, lintText, loadEvalIndex, loadEvalIndexSync } from '../../datasets/src/index';
import { collect } from './collect-findings';

const dir = mkdtempSync(join(tmpdir(), 'finetune-robust-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const settings = { ...defaultSettings(), minExamples: 0 };

test('a binary file gets one finding, not thousands', async () => {
  const file = join(dir, 'image.jsonl');
  writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 10, 10, 10, 0xff, 0x00]));
  const findings = await collect(lintFile(file, settings));
  assert.deepEqual(findings.map((finding) => finding.rule), ['json-syntax']);
});

test('deep nesting, huge numbers and lone surrogates are findings, not crashes', async () => {
  const deep = '{"messages": ' + '['.repeat(100000) + ']'.repeat(100000) + '}';
  const unclosed = '['.repeat(100000);
  const text = [deep, unclosed, '{"text": 1e999}', '{"text": "lone \\udc00 surrogate"}', '{"text": "raw \ud800 surrogate"}'].join('\n');
  const document = createDatasetDocument('file:///bad.jsonl', text, settings);
  const rules = document.findings().map((finding) => `${finding.range.start.line}:${finding.rule}`);
  assert.ok(rules.includes('0:wrong-type'));
  assert.ok(rules.includes('1:json-syntax'));
  assert.ok(rules.includes('2:wrong-type'));
  assert.ok(rules.includes('3:encoding'));
  assert.ok(rules.includes('4:encoding'));
  const streamed = (await collect(lintText(text, settings))).map((finding) => `${finding.range.start.line}:${finding.rule}`);
  assert.deepEqual([...streamed].sort(), [...rules].sort());
});

test('invalid UTF-8 bytes become an encoding finding at the damaged character', async () => {
  const file = join(dir, 'latin1.jsonl');
  const prefix = '{"messages": [{"role": "user", "content": "Caf';
  writeFileSync(file, Buffer.concat([Buffer.from(prefix), Buffer.from([0xe9]), Buffer.from('"}, {"role": "assistant", "content": "Un caf\u00e9."}]}\n')]));
  const findings = (await collect(lintFile(file, settings))).filter((finding) => finding.rule === 'encoding');
  assert.deepEqual(findings.map((finding) => [finding.range.start.line, finding.range.start.character]), [[0, prefix.length]]);
});

test('a 10 MB line is linted; a line over the per-line limit is reported and skipped while streaming', async () => {
  const big = join(dir, 'big-line.jsonl');
  const answer = 'word '.repeat(2_000_000).trim() + '.'; // 10 MB
  writeFileSync(big, `{"messages": [{"role": "user", "content": "Write a lot."}, {"role": "assistant", "content": "${answer}"}]}\n`);
  const findings = await collect(lintFile(big, settings));
  assert.deepEqual(findings.map((finding) => finding.rule), ['too-long', 'length-distribution']);

  const huge = join(dir, 'huge-line.jsonl');
  const out = createWriteStream(huge);
  const chunk = Buffer.alloc(1 << 20, 0x61);
  out.write('{"text": "');
  for (let written = 0; written <= 4 * chunk.length; written += chunk.length) if (!out.write(chunk)) await once(out, 'drain');
  out.end('"}\n{"text": "after the long line."}\n');
  await once(out, 'finish');
  const hugeFindings = await collect(lintFile(huge, settings, { maxLineBytes: 2 * chunk.length }));
  assert.deepEqual(hugeFindings.map((finding) => [finding.range.start.line, finding.rule]), [[0, 'json-syntax']]);
});

test('the scanner locates keys and values by path, maps string offsets through escapes, and explains errors', () => {
  const line = '{"a": 1, "b": {"c": ["x", "y\\n\\u00e9z"]}, "a": 2}';
  const found = locatePath(line, 0, ['b', 'c', 1]);
  assert.equal(line.slice(found!.valueStart, found!.valueEnd), '"y\\n\\u00e9z"');
  const last = locatePath(line, 0, ['a']);
  assert.equal(line.slice(last!.valueStart, last!.valueEnd), '2');
  assert.equal(line.slice(last!.keyStart, last!.keyEnd), '"a"');
  assert.equal(rawOffsetInString(line, found!.valueStart, 3), found!.valueStart + 1 + 1 + 2 + 6);
  assert.equal(locatePath(line, 0, ['missing']), null);
  const problem = findSyntaxError('{"a": tru}');
  assert.deepEqual([problem?.start, problem?.end], [6, 7]);
  assert.equal(findSyntaxError('{"a": [1, 2], "b": "ok"}'), null);
  assert.equal(findSyntaxError('['.repeat(200000))?.start, 199999);
});

test('an eval file that is not a regular file is refused at once, never read forever', async () => {
  const fifo = join(dir, 'eval.fifo');
  execFileSync('mkfifo', [fifo]);
  for (const evalFile of ['/dev/zero', fifo, dir]) {
    const started = Date.now();
    assert.throws(() => loadEvalIndexSync(evalFile), /not a regular file/);
    await assert.rejects(loadEvalIndex(evalFile), /not a regular file/);
    const findings = await collect(lintText('{"text": "Hello there."}\n', { ...settings, evalFile }));
    assert.match(findings.find((finding) => finding.rule === 'eval-overlap')?.message ?? '', /not a regular file/);
    assert.ok(Date.now() - started < 5000, evalFile);
  }
});
