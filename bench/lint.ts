// Lint speed: `finetune lint`'s streaming pass over a 100k-record (~120 MB) chat dataset against merely reading the
// file and JSON.parse-ing each line (with the service's line reader, the target's baseline, and with Node's
// readline, the usual way), with peak memory, in this process and as fresh processes (as a user runs them); and how
// long an open 100k-line document takes to open and to re-diagnose after a one-character edit, and the heap it keeps.
// The data is generated into a temp folder at bench time and deleted afterwards.
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readLineBatches } from '../datasets/src/line/line-reader';
import { createDatasetDocument, defaultSettings, lintFile } from '../datasets/src/index';
import { parallelWorkers } from '../datasets/src/parallel/lint-parallel';
import { chatDatasetText, writeChatDataset } from './lint-data';
import { repositoryRoot } from './repository-root';

export interface LintBenchOptions {
  records?: number;
  bytesPerRecord?: number;
  documentLines?: number;
}

async function readAndParse(path: string): Promise<number> {
  let records = 0;
  for await (const batch of readLineBatches(createReadStream(path, { highWaterMark: 1 << 20 }))) {
    for (const line of batch) {
      if (line.text.length === 0) continue;
      JSON.parse(line.text);
      records++;
    }
  }
  return records;
}

/** The same with Node's own line reader, the way most scripts read JSONL: a second, more common baseline. */
async function readlineAndParse(path: string): Promise<number> {
  let records = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    JSON.parse(line);
    records++;
  }
  return records;
}

/**
 * The baseline as a program of its own, for the figures a user sees (start-up and a cold JIT included): a fresh
 * Node process reads the file into one reused 1 MB buffer and JSON.parses each line. Written tight on purpose: the
 * stream-based ways take 3–4× longer in a fresh process (every chunk is fresh memory), which would flatter lint.
 * `visit` runs on each parsed record.
 */
function readParseProgram(visit: string): string {
  return `
const fs = require('node:fs');
${visit}
const fd = fs.openSync(process.argv[1], 'r');
let buffer = Buffer.allocUnsafe(1 << 20);
let filled = 0;
let records = 0;
for (;;) {
  if (filled === buffer.length) { const bigger = Buffer.allocUnsafe(buffer.length * 2); buffer.copy(bigger, 0, 0, filled); buffer = bigger; }
  const read = fs.readSync(fd, buffer, filled, buffer.length - filled, null);
  const end = filled + read;
  let start = 0;
  for (let at = buffer.indexOf(10, filled); at >= 0 && at < end; at = buffer.indexOf(10, start)) {
    if (at > start) { visit(JSON.parse(buffer.toString('utf8', start, at))); records++; }
    start = at + 1;
  }
  if (read === 0) { if (end > start) { visit(JSON.parse(buffer.toString('utf8', start, end))); records++; } break; }
  buffer.copy(buffer, 0, start, end);
  filled = end - start;
}
if (!records) process.exit(2);
`;
}

const READ_PARSE_PROGRAM = readParseProgram('function visit() {}');

/**
 * The floor of any linter written in JavaScript: the baseline plus reading every character of every string once
 * (a sum of char codes, nothing kept). Lint cannot be faster than this on one thread; its ratio to the baseline
 * says how much of the 2× budget merely touching the text spends on this machine.
 */
const READ_PARSE_TOUCH_PROGRAM = readParseProgram(`
let sum = 0;
function visit(value) {
  if (typeof value === 'string') { for (let i = 0; i < value.length; i++) sum = (sum + value.charCodeAt(i)) | 0; }
  else if (Array.isArray(value)) { for (const item of value) visit(item); }
  else if (value !== null && typeof value === 'object') { for (const key in value) visit(value[key]); }
}
`);

/** The `finetune` command users run (bin/finetune.js: `finetune lint` runs dist/lint.cjs, which `npm run bench` builds first), or null when there is none. */
function cliBundle(): string | null {
  const root = repositoryRoot();
  return existsSync(join(root, 'dist', 'lint.cjs')) ? join(root, 'bin', 'finetune.js') : null;
}

function processMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status === null || result.status > 1) throw new Error(`bench: '${args.slice(0, 2).join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`})`);
  return performance.now() - start;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

const RUNS = 5;
const PROCESS_RUNS = 3;

interface Timing {
  ms: number;
  cpuMs: number;
  /** Time this thread's event loop was busy: with worker threads, the serial part no extra core shortens. */
  busyMs: number;
}

async function timed(run: () => Promise<unknown>): Promise<Timing> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  await run();
  return { ms: performance.now() - start, cpuMs: cpuMs(process.cpuUsage(cpu)), busyMs: performance.eventLoopUtilization(loop).active };
}

/** Heap in use after a full collection, so garbage does not count (the bench is not started with --expose-gc). */
function settledHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

export async function benchLint(options: LintBenchOptions = {}): Promise<Record<string, number>> {
  const records = options.records ?? 100_000;
  const bytesPerRecord = options.bytesPerRecord ?? 1200;
  const dir = mkdtempSync(join(tmpdir(), 'finetune-lint-bench-'));
  try {
    const path = join(dir, 'chat.jsonl');
    const bytes = await writeChatDataset(path, records, bytesPerRecord);
    // the kernel would otherwise be writing the fresh file back to disk during the first runs, slowing them unevenly
    const fd = openSync(path, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    await readAndParse(path); // warm the page cache and the JIT alike for both runs
    // This machine's speed drifts (shared hosts): the baseline and lint alternate, and each figure is the median
    // of RUNS, so both see the same phases.
    const parse: Timing[] = [];
    const lint: Timing[] = [];
    const readline: number[] = [];
    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    // rss() is cheap; the full memoryUsage() walks the heap and would slow the run it measures
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    // lint as `finetune lint` runs it: worker threads or not, as parallelWorkers decides for this file and machine
    let lintFindings = 0;
    for (let run = 0; run < RUNS; run++) {
      parse.push(await timed(() => readAndParse(path)));
      lint.push(
        await timed(async () => {
          lintFindings = 0;
          for await (const finding of lintFile(path, defaultSettings())) if (finding) lintFindings++;
        }),
      );
    }
    clearInterval(sampler);
    const peakHeap = process.memoryUsage().heapUsed;
    for (let run = 0; run < RUNS; run++) readline.push((await timed(() => readlineAndParse(path))).ms);
    const parseMs = median(parse.map((timing) => timing.ms));
    const parseCpuMs = median(parse.map((timing) => timing.cpuMs));
    const lintMs = median(lint.map((timing) => timing.ms));
    const lintCpuMs = median(lint.map((timing) => timing.cpuMs));
    const readlineMs = median(readline);
    const workers = parallelWorkers({ sizeBytes: bytes });
    // both ways once more, whichever the default is: one thread (its CPU time is the work itself, without the threads'
    // overhead) and worker threads (at least two, so a 2-core machine shows what they would give)
    let findings = 0;
    const single = await timed(async () => {
      for await (const finding of lintFile(path, defaultSettings(), { workers: 0 })) if (finding) findings--;
    });
    const threaded = await timed(async () => {
      for await (const finding of lintFile(path, defaultSettings(), { workers: Math.max(2, parallelWorkers({ sizeBytes: Infinity })) })) if (finding) findings++;
    });

    // as a user runs them: each in a fresh process (lint exits 1 when a finding is an error)
    const cli = cliBundle();
    const lintProcess: number[] = [];
    const parseProcess: number[] = [];
    const touchProcess: number[] = [];
    for (let run = 0; cli && run < PROCESS_RUNS; run++) {
      parseProcess.push(processMs(['-e', READ_PARSE_PROGRAM, path]));
      touchProcess.push(processMs(['-e', READ_PARSE_TOUCH_PROGRAM, path]));
      lintProcess.push(processMs([cli, 'lint', path]));
    }

    const lines = options.documentLines ?? 100_000;
    const text = chatDatasetText(lines, 250);
    const heapBefore = settledHeapBytes();
    let start = performance.now();
    const document = createDatasetDocument('file:///bench.jsonl', text, defaultSettings());
    document.findings();
    const openMs = performance.now() - start;
    const documentHeapBytes = settledHeapBytes() - heapBefore;
    const editTimes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const line = Math.floor((lines * (i + 1)) / 23);
      const at = { line, character: 30 };
      start = performance.now();
      document.applyChanges([{ range: { start: at, end: at }, text: i % 2 ? 'x' : 'y' }]);
      document.findings();
      editTimes.push(performance.now() - start);
    }
    return {
      lintRecords: records,
      lintFileMB: Math.round((bytes / 1048576) * 10) / 10,
      lintReadParseMs: Math.round(parseMs),
      lintMs: Math.round(lintMs),
      lintToParseRatio: Math.round((lintMs / parseMs) * 100) / 100,
      lintReadlineParseMs: Math.round(readlineMs),
      lintToReadlineRatio: Math.round((lintMs / readlineMs) * 100) / 100,
      // CPU time is steadier than wall time on a shared machine; with workers it counts every thread
      lintReadParseCpuMs: Math.round(parseCpuMs),
      lintCpuMs: Math.round(lintCpuMs),
      lintMainThreadBusyMs: Math.round(median(lint.map((timing) => timing.busyMs))),
      lintToParseCpuRatio: Math.round((lintCpuMs / parseCpuMs) * 100) / 100,
      ...(cli
        ? {
            lintProcessMs: Math.round(median(lintProcess)),
            lintReadParseProcessMs: Math.round(median(parseProcess)),
            lintProcessToParseRatio: Math.round((median(lintProcess) / median(parseProcess)) * 100) / 100,
            lintReadParseTouchProcessMs: Math.round(median(touchProcess)),
            lintTouchToParseRatio: Math.round((median(touchProcess) / median(parseProcess)) * 100) / 100,
          }
        : {}),
      lintFindings,
      lintWorkers: workers,
      lintSingleThreadMs: Math.round(single.ms),
      lintSingleThreadCpuMs: Math.round(single.cpuMs),
      lintThreadedMs: Math.round(threaded.ms),
      lintThreadedCpuMs: Math.round(threaded.cpuMs),
      // both passes must agree: 0 when the threaded and single-threaded runs found the same number of findings
      lintThreadedMinusSingleFindings: findings,
      lintPeakRssMB: Math.round(peakRss / 1048576),
      lintHeapAfterMB: Math.round(peakHeap / 1048576),
      lintDocumentLines: lines,
      lintDocumentMB: Math.round((text.length / 1048576) * 10) / 10,
      lintDocumentOpenMs: Math.round(openMs),
      // what the open document keeps on the heap (its text not counted: the editor holds that anyway)
      lintDocumentHeapMB: Math.round(documentHeapBytes / 1048576),
      lintDocumentEditMs: Math.round(median(editTimes) * 10) / 10,
      lintDocumentEditMaxMs: Math.round(Math.max(...editTimes) * 10) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
