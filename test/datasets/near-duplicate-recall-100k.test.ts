// Near-duplicate recall among 100,000 templated records, the bench's shape (bench/lint-shapes.ts: one template, a
// number and a topic each), where every LSH bucket those records touch is full and candidates per bucket are capped:
// near copies of records of their own, planted near and far from their originals, are all found and named by their
// originals, exactly as when they stand alone; and every near-duplicate finding, planted or templated, names an
// earlier line really at or above the threshold (its MinHash similarity recomputed from the two lines).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { templatedRecord } from '../../bench/lint-shapes';
import { analyzeLine } from '../../datasets/src/line/analyze-line';
import { similarity } from '../../datasets/src/cross-line/fingerprint';
import { createTokenCounter } from '../../datasets/src/tokens/token-counter';
import { defaultSettings, lintFile } from '../../datasets/src/index';

const dir = mkdtempSync(join(tmpdir(), 'finetune-recall-100k-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const RECORDS = 100_000;
const PLANTED = 60;
const chat = (user: string, assistant: string) => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

/** 80 words of a record of its own (seeded), so no two originals and no templated record share much. */
function original(seed: number): string[] {
  let state = (seed * 2654435761) >>> 0;
  const word = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ['river', 'copper', 'lantern', 'orchid', 'saddle', 'quartz', 'meadow', 'falcon', 'harbor', 'velvet', 'thistle', 'ember', 'glacier', 'pepper', 'walnut', 'cobalt'][state >>> 28] + String((state >>> 8) % 997);
  };
  return Array.from({ length: 80 }, word);
}

test('near copies planted among 100,000 templated records are all found, and every near-duplicate names a true one', async () => {
  const lines = Array.from({ length: RECORDS }, (_, n) => templatedRecord(n));
  const planted = new Map<number, number>(); // copy's line → original's line
  for (let k = 0; k < PLANTED; k++) {
    const words = original(k + 1);
    const at = 1_000 + k * 1_500;
    // a third of the copies right after their original, a third 5,000 lines on, a third 40,000 (or the end)
    const copyAt = Math.min(RECORDS - 1 - k, at + [7, 5_000, 40_000][k % 3]);
    const copy = [...words];
    copy[40] = 'changed';
    lines[at] = chat(`Tell me about item ${k}.`, words.join(' '));
    lines[copyAt] = chat(`Tell me about item ${k}.`, copy.join(' '));
    planted.set(copyAt, at);
  }
  const crowded = await nearDuplicates('templated.jsonl', lines);
  const plantedFound = new Map([...crowded].filter(([line]) => planted.has(line)).map(([line, found]) => [line, found.first]));
  const alone = await nearDuplicates('alone.jsonl', lines.map((line, n) => (planted.has(n) || [...planted.values()].includes(n) ? line : '')));
  // recall: every planted copy (a copy with one word of 80 changed is far above the 0.8 threshold), named by its original
  assert.equal(plantedFound.size, PLANTED, `planted copies found: ${plantedFound.size} of ${PLANTED}`);
  for (const [copy, first] of plantedFound) assert.equal(first, planted.get(copy), `line ${copy + 1}`);
  assert.deepEqual(plantedFound, new Map([...alone].map(([line, found]) => [line, found.first])));
  // the templated records: each one after the first few is a near-duplicate of an earlier one
  assert.ok(crowded.size >= RECORDS - 100, `${crowded.size} near-duplicates`);
  // whichever earlier line a finding names is a true near-duplicate: similarity recomputed from both lines' signatures
  const settings = defaultSettings();
  const { counter } = createTokenCounter(undefined);
  const print = (line: number) => analyzeLine(lines[line], settings, counter, 'messages').fingerprint!;
  let checked = 0;
  for (const [line, found] of crowded) {
    if (line % 211 !== 0 && !planted.has(line)) continue;
    assert.ok(found.first < line);
    const score = similarity(print(line), print(found.first));
    assert.ok(score >= settings.nearDuplicateThreshold, `line ${line + 1} names line ${found.first + 1} at ${score}`);
    assert.equal(found.percent, Math.round(score * 100));
    checked++;
  }
  assert.ok(checked > 400);
});

/** Each near-duplicate's line → the line it names (0-based) and the similarity it reports (percent). */
async function nearDuplicates(name: string, lines: string[]): Promise<Map<number, { first: number; percent: number }>> {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  const found = new Map<number, { first: number; percent: number }>();
  for await (const finding of lintFile(path, defaultSettings(), { workers: 0 })) {
    const match = /line (\d+) \(about (\d+)% similar\)/.exec(finding.message);
    if (finding.rule === 'near-duplicate' && match) found.set(finding.range.start.line, { first: Number(match[1]) - 1, percent: Number(match[2]) });
  }
  return found;
}
