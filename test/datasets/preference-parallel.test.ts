// Preference pairs linted on worker threads: the answer lengths travel back with each line, so the dataset-level
// length-bias finding is the same as one thread's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultSettings, lintFile, type Finding } from '../../datasets/src/index';

const dir = mkdtempSync(join(tmpdir(), 'finetune-preference-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function collect(findings: AsyncIterable<Finding>): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const finding of findings) out.push(finding);
  return out;
}

test('worker threads find the same preference-length-bias as one thread', async () => {
  const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `Question ${i}?`, chosen: `A long and careful answer to question ${i}.`, rejected: `No (${i}).` }));
  const path = join(dir, 'pairs.jsonl');
  writeFileSync(path, lines.join('\n'));
  const settings = { ...defaultSettings(), minExamples: 0 };
  const single = await collect(lintFile(path, settings, { workers: 0 }));
  const parallel = await collect(lintFile(path, settings, { workers: 2 }));
  assert.ok(single.some((finding) => finding.rule === 'preference-length-bias'), JSON.stringify(single));
  assert.deepEqual(parallel, single);
});
