// Seed material from the repository itself: the example datasets and the golden model fixtures.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden');

const DATASETS = ['examples/chat.jsonl', 'examples/problems/problems.jsonl', 'examples/problems/eval.jsonl'];

/** Each example dataset whole, and in pieces of five records (small inputs run faster and mutate deeper). */
export function jsonlSeeds(): Buffer[] {
  const seeds: Buffer[] = [];
  for (const file of DATASETS) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    seeds.push(Buffer.from(text));
    const lines = text.split('\n');
    for (let at = 0; at < lines.length; at += 5) seeds.push(Buffer.from(lines.slice(at, at + 5).join('\n')));
  }
  return seeds;
}

/** The golden model folders (each a config.json, generation_config.json and one or more safetensors files). */
export function goldenVariants(): string[] {
  return readdirSync(GOLDEN, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}
