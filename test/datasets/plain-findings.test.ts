// lintFile's `plain` findings (what `finetune lint` asks for): the same findings in the same order with the same
// rules, severities, ranges and messages, only without fixes and related locations, on one thread and on workers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultSettings, lintFile, type Finding } from '../../datasets/src/index';
import { templatedRecord } from '../../bench/lint-shapes';
import { collect } from './collect-findings';

const dir = mkdtempSync(join(tmpdir(), 'finetune-plain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function withoutExtras(finding: Finding): Pick<Finding, 'rule' | 'severity' | 'range' | 'message'> {
  return { rule: finding.rule, severity: finding.severity, range: finding.range, message: finding.message };
}

test('plain findings are the full ones without fixes and related locations', async () => {
  // the seeded problems (every record rule, duplicates, conflicts) and templated records (a near-duplicate on every line)
  const lines = readFileSync('examples/problems/problems.jsonl', 'utf8').split('\n');
  for (let n = 0; n < 3000; n++) lines.push(templatedRecord(n));
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, lines.join('\n'));
  const settings = { ...defaultSettings(), minExamples: 0 };
  for (const workers of [0, 1]) {
    const full = await collect(lintFile(path, settings, { workers }));
    const plain = await collect(lintFile(path, settings, { workers, plain: true }));
    assert.deepEqual(plain.map(withoutExtras), full.map(withoutExtras));
    const rules = new Set(full.map((finding) => finding.rule));
    for (const rule of ['duplicate', 'conflicting-duplicate', 'near-duplicate', 'json-syntax']) assert.ok(rules.has(rule), rule);
    assert.ok(full.some((finding) => finding.fixes?.length) && full.some((finding) => finding.related?.length));
    // the per-line findings carry neither (a dataset-level one may)
    assert.deepEqual(plain.filter((finding) => finding.range.start.line > 0 && (finding.fixes || finding.related)).map((finding) => finding.rule), []);
  }
});
