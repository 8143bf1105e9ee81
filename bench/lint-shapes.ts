// `finetune lint` on the two shapes generated fine-tuning data takes, each against its floor: templated records (one
// template, a number and a topic each: many records share most shingles, the near-duplicate index's worst case) and
// diverse ones (random words from a 5,000-word vocabulary). Both as a user runs them: fresh processes, lint against
// Node's readline + JSON.parse of each line, alternating, medians; peak RSS from /usr/bin/time when it exists.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repositoryRoot } from './repository-root';

const TOPICS = ['gardening', 'tax returns', 'sourdough', 'bicycle repair', 'chess openings', 'birdwatching', 'home networks', 'knitting', 'rust lifetimes', 'marathon training', 'tide pools', 'jazz chords'];
const TEMPLATE =
  'Here is a short overview of {topic}. Start with the basics: learn the vocabulary, gather a few reliable tools and set aside a regular time to practise. ' +
  'Most beginners try to do too much at once, so pick one small goal each week and write down what worked and what did not. ' +
  'After a month, look back at your notes, keep the habits that helped and drop the rest. Ask someone more experienced to look at your progress, ' +
  'read one good book on {topic}, and join a local group if there is one: people who share the interest will answer questions no manual covers. ' +
  'Finally, remember that steady practice beats bursts of effort, and that mistakes are the fastest teachers you will have. Item {n} of the series.';

/** Pseudo-words made of syllables: a fixed 5,000-word vocabulary. */
function vocabulary(): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'pe', 'do', 'gu', 'fa', 'zi', 'be', 'ho', 'ja', 'we', 'xi'];
  const words: string[] = [];
  for (let i = 0; words.length < 5000; i++) {
    let word = '';
    for (let n = i; word.length < 4 || n > 0; n = Math.floor(n / syllables.length)) word += syllables[n % syllables.length];
    words.push(word);
  }
  return words;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export function templatedRecord(n: number): string {
  const topic = TOPICS[n % TOPICS.length];
  return JSON.stringify({ messages: [{ role: 'user', content: `Write a short overview of ${topic}, number ${n}.` }, { role: 'assistant', content: TEMPLATE.replaceAll('{topic}', topic).replace('{n}', String(n)) }] });
}

function diverseRecord(next: () => number, words: string[]): string {
  const text = (count: number) => Array.from({ length: count }, () => words[Math.floor(next() * words.length)]).join(' ');
  return JSON.stringify({ messages: [{ role: 'user', content: `${text(15)}?` }, { role: 'assistant', content: `${text(170)}.` }] });
}

async function write(path: string, records: number, record: (n: number) => string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (let n = 0; n < records; n++) {
    const line = `${record(n)}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

const READLINE_PARSE = `
const rl = require('node:readline').createInterface({ input: require('node:fs').createReadStream(process.argv[1]), crlfDelay: Infinity });
let records = 0;
rl.on('line', (line) => { if (line.length) { JSON.parse(line); records++; } });
rl.on('close', () => { if (!records) process.exit(2); });
`;

/** Wall time and peak RSS (MB, null without /usr/bin/time) of a fresh Node process. */
function run(args: string[]): { ms: number; peakMB: number | null } {
  const timeTool = existsSync('/usr/bin/time');
  const start = performance.now();
  const result = timeTool ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] }) : spawnSync(process.execPath, args, { stdio: 'ignore' });
  const ms = performance.now() - start;
  if (result.status === null || result.status > 1) throw new Error(`bench: '${args.slice(0, 2).join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`})`);
  const kilobytes = timeTool ? Number(String(result.stderr).trim().split('\n').pop()) : NaN;
  return { ms, peakMB: Number.isFinite(kilobytes) ? Math.round(kilobytes / 1024) : null };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * `cli`: the `finetune` command to time, bin/finetune.js by default (what users run: it runs dist/lint.cjs for
 * `finetune lint`); another build's bin/finetune.js or dist/cli.js, to compare two in one run.
 */
export async function benchLintShapes(records = 100_000, runs = 3, cli = join(repositoryRoot(), 'bin', 'finetune.js')): Promise<Record<string, number | string>> {
  if (!existsSync(cli) || !existsSync(join(repositoryRoot(), 'dist', 'lint.cjs'))) return { 'lintShapes.skipped': 'no dist/lint.cjs (npm run build)' };
  const dir = mkdtempSync(join(tmpdir(), 'finetune-lint-shapes-'));
  const figures: Record<string, number | string> = {};
  try {
    const words = vocabulary();
    const next = random(5);
    const shapes = { templated: templatedRecord, diverse: () => diverseRecord(next, words) };
    for (const [shape, record] of Object.entries(shapes)) {
      const path = join(dir, `${shape}.jsonl`);
      const bytes = await write(path, records, record);
      run(['-e', READLINE_PARSE, path]); // the page cache warm for both
      const floor: number[] = [];
      const lint: Array<{ ms: number; peakMB: number | null }> = [];
      for (let i = 0; i < runs; i++) {
        floor.push(run(['-e', READLINE_PARSE, path]).ms);
        lint.push(run([cli, 'lint', '--json', path]));
      }
      const lintMs = median(lint.map((timing) => timing.ms));
      figures[`lint.${shape}.fileMB`] = Math.round(bytes / 1048576);
      figures[`lint.${shape}.processMs`] = Math.round(lintMs);
      figures[`lint.${shape}.floor.readlineParseProcessMs`] = Math.round(median(floor));
      figures[`lint.${shape}.toFloorRatio`] = Math.round((lintMs / median(floor)) * 100) / 100;
      const peaks = lint.flatMap((timing) => (timing.peakMB === null ? [] : [timing.peakMB]));
      if (peaks.length) figures[`lint.${shape}.peakRssMB`] = Math.max(...peaks);
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
