// Preference pairs linted on worker threads: the answer lengths and the pairs' keys travel back with each line, so the
// dataset-level length-bias finding and the contradictions between pairs are the same as one thread's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Dataset } from '../../datasets/src/cross-line/document';
import { defaultSettings, lintFile, type Finding } from '../../datasets/src/index';
import { BLOCK_BYTES } from '../../datasets/src/parallel/line-chunks';
import { collect } from './collect-findings';

const dir = mkdtempSync(join(tmpdir(), 'finetune-preference-'));
after(() => rmSync(dir, { recursive: true, force: true }));

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

test('worker threads find the same preference-contradiction findings as one thread and as the open document', async () => {
  let state = 3;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const answers = Array.from({ length: 6 }, (_, i) => `Answer number ${i}, written out at some length so that the file spans several read blocks.`);
  const lines: string[] = [];
  // more than two read blocks of pairs over a few hundred prompts: contradictions within blocks and across them
  for (let bytes = 0; bytes < 2.5 * BLOCK_BYTES; bytes += lines[lines.length - 1].length + 1) {
    const prompt = `Question ${Math.floor(next() * 400)}: which answer is better?`;
    const chosen = answers[Math.floor(next() * answers.length)];
    const rejected = answers[(answers.indexOf(chosen) + 1 + Math.floor(next() * (answers.length - 1))) % answers.length];
    // strings or turns: both read the same
    lines.push(next() < 0.5 ? JSON.stringify({ prompt, chosen, rejected }) : JSON.stringify({ prompt: [{ role: 'user', content: prompt }], chosen: [{ role: 'assistant', content: chosen }], rejected: [{ role: 'assistant', content: rejected }] }));
  }
  // and one pair contradicted from the far end of the file
  const planted = (chosen: string, rejected: string) => JSON.stringify({ prompt: 'A planted question?', chosen, rejected });
  lines.unshift(planted('Yes.', 'No.'));
  lines.push(planted('No.', 'Yes.'));
  const path = join(dir, 'contradictions.jsonl');
  writeFileSync(path, lines.join('\n'));
  const settings = { ...defaultSettings(), minExamples: 0 };
  const single = await collect(lintFile(path, settings, { workers: 0 }));
  const parallel = await collect(lintFile(path, settings, { workers: 2 }));
  const contradictions = single.filter((finding) => finding.rule === 'preference-contradiction');
  assert.ok(contradictions.length > 100, `contradictions found: ${contradictions.length}`);
  assert.deepEqual(contradictions.at(-1)?.related?.[0].range.start.line, 0, 'the planted pair, across read blocks');
  assert.equal(contradictions.at(-1)?.range.start.line, lines.length - 1);
  assert.deepEqual(parallel, single);
  const lineAndFirst = (findings: Finding[]) => findings.filter((finding) => finding.rule === 'preference-contradiction').map((finding) => [finding.range.start.line, finding.related![0].range.start.line]);
  const document = new Dataset('file:///contradictions.jsonl', lines.join('\n'), settings);
  assert.deepEqual(lineAndFirst(document.allFindings()), lineAndFirst(single));
});
