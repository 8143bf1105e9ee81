// Near-duplicate recall among templated records (one template, a number and a topic each: every LSH bucket those
// records touch is full, and candidates per bucket are capped): near copies planted among them are found exactly as
// when the same records stand alone (MinHash decides a few pairs below the threshold either way).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultSettings, lintFile } from '../../datasets/src/index';

const dir = mkdtempSync(join(tmpdir(), 'finetune-recall-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TOPICS = ['gardening', 'tax returns', 'sourdough', 'bicycle repair', 'chess openings', 'birdwatching'];
const chat = (user: string, assistant: string) => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

function templated(n: number): string {
  const topic = TOPICS[n % TOPICS.length];
  return chat(
    `Write a short overview of ${topic}, number ${n}.`,
    `Here is a short overview of ${topic}. Start with the basics, gather a few reliable tools and practise at a regular time. Pick one small goal each week, write down what worked, and after a month keep the habits that helped. Item ${n} of the series.`,
  );
}

/** A record of its own: words drawn from a seeded generator, so no two originals share much. */
function original(seed: number): string[] {
  let state = seed * 2654435761;
  const word = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ['river', 'copper', 'lantern', 'orchid', 'saddle', 'quartz', 'meadow', 'falcon', 'harbor', 'velvet', 'thistle', 'ember', 'glacier', 'pepper', 'walnut', 'cobalt'][state % 16] + String(state % 97);
  };
  return Array.from({ length: 60 }, word);
}

test('near copies planted among 20,000 templated records are found as when they stand alone', async () => {
  const lines = Array.from({ length: 20_000 }, (_, n) => templated(n));
  const planted = new Map<number, number>(); // copy's line → original's line
  for (let k = 0; k < 25; k++) {
    const words = original(k + 1);
    const at = 500 + k * 700;
    lines[at] = chat(`Tell me about item ${k}.`, words.join(' '));
    const copy = [...words];
    copy[30] = 'changed';
    lines[at + 300] = chat(`Tell me about item ${k}.`, copy.join(' '));
    planted.set(at + 300, at);
  }
  const crowded = await nearDuplicates('templated.jsonl', lines);
  const alone = await nearDuplicates('alone.jsonl', lines.map((line, n) => (planted.has(n) || [...planted.values()].includes(n) ? line : '')));
  assert.ok(alone.size >= 20, `most planted copies are near-duplicates on their own (${alone.size} of ${planted.size})`);
  assert.deepEqual(crowded, alone);
  for (const [copy, first] of alone) assert.equal(first, planted.get(copy));
});

/** Each near-duplicate's line → the line it repeats (0-based), planted or not. */
async function nearDuplicates(name: string, lines: string[]): Promise<Map<number, number>> {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  const found = new Map<number, number>();
  for await (const finding of lintFile(path, defaultSettings(), { workers: 0 })) {
    const first = /line (\d+)/.exec(finding.message);
    if (finding.rule === 'near-duplicate' && first && !lines[finding.range.start.line].includes('overview')) found.set(finding.range.start.line, Number(first[1]) - 1);
  }
  return found;
}
