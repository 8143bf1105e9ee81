// `finetune lint` on several cores: the main thread streams the file as blocks of whole lines (bytes, never decoded
// here) to worker threads that analyse every line (lint-worker.ts), then takes their results in file order and runs
// the cross-record indexes, which need one ordered view of the file. The file's format is voted on first, from the
// first records, exactly as the single-threaded pass does, so both report the same findings.
//
// Blocks and results live in SharedArrayBuffers, handed back and forth for reuse, never transferred: a transfer
// detaches an ArrayBuffer, and after a thread's first detach V8 checks every typed-array access in it for
// detachment (the scan's character-class table, the MinHash bins, the indexes): the per-line analysis ran ~6%
// slower with the checks (an in-process bench of the worker's loop, 6 alternations: best 6.45 vs 6.07 µs a record).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { voteOf } from '../line/analyze-line';
import { rulePlan } from '../rules/rule-plan';
import { fileFormat, type FormatVote } from '../cross-line/dataset-stats';
import type { Fingerprint, SignatureSlab } from '../cross-line/fingerprint';
import { FORMAT_ORDER } from '../line/formats';
import type { AnalysedLine, LineFindings } from './line-findings';
import { BLOCK_BYTES, readFileLineChunks, type LineChunk } from './line-chunks';
import { BATCH_LINES } from '../line/line-reader';
import { KEYS_PER_LINE } from './line-arrays';
import {
  FLAG_FINGERPRINT, FLAG_OVER_LIMIT, FLAG_SIGNATURE, KIND_BLANK, KIND_INVALID, KIND_OVERSIZED, KIND_RECORD,
  analyzeBlock, type BlockContext, type LintBlock, type LintBlockResult, type LintWorkerData,
} from './lint-worker';
import type { TokenCounter } from '../api';
import type { DatasetSettings, Finding, FormatId } from '../../../contracts/src/dataset-types';

/**
 * Below this, starting threads costs more than it saves (a worker's start and JIT warm-up). `finetune lint`'s pass
 * as a fresh process, one thread vs one worker and the main thread (2026-12-06 10:40, quiet 2-core machine, medians
 * of 5–6 alternating runs; templated records): 16 MB 1.04 vs 1.05 s, 22 MB 1.17 vs 1.03 s, 30 MB 1.33 vs 1.19 s,
 * 50 MB 1.68 vs 1.39 s; diverse 129 MB 2.74 vs 1.82 s. (Two cores needed 64 MB before the main thread analysed
 * blocks too.)
 */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/** The worker's script next to this module: the bundle's dist/lint-worker.js, or the TypeScript source under tsx. */
function workerScript(): string | null {
  const source = __filename.endsWith('.ts');
  const script = join(__dirname, source ? 'lint-worker.ts' : 'lint-worker.js');
  return existsSync(script) ? script : null;
}

/**
 * Blocks a worker has (being analysed or waiting) before the main thread analyses the next one itself: enough that
 * the worker is still busy when the main thread, after its block, has taken the findings of the ones before.
 */
const QUEUED_PER_WORKER = 3;

/** Blocks the main thread analysed itself since the process started (tests and the bench read it). */
export const mainThreadBlocks = { count: 0 };

/** Workers to use (0: lint in this thread). */
export function parallelWorkers(context: { workers?: number | 'auto'; sizeBytes?: number }): number {
  const wanted = context.workers ?? 'auto';
  const cores = availableParallelism();
  if (wanted === 'auto' && (context.sizeBytes ?? 0) < PARALLEL_MIN_BYTES) return 0;
  const count = wanted === 'auto' ? Math.min(4, cores - 1) : Math.floor(wanted);
  if (count < 1 || (wanted === 'auto' && cores < 2)) return 0;
  return workerScript() ? count : 0;
}

function startWorker(data: LintWorkerData): Worker {
  const script = workerScript()!;
  if (!script.endsWith('.ts')) return new Worker(script, { workerData: data });
  // tests and the bench run the TypeScript sources through tsx, whose loader a worker must register itself
  const resolve = require.resolve;
  const code = `require(${JSON.stringify(resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(script)});`;
  return new Worker(code, { eval: true, workerData: data });
}

/** Worker threads answering blocks in the order each received them. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly waiting: Array<Array<{ resolve: (result: LintBlockResult) => void; reject: (error: Error) => void }>> = [];
  private nextWorker = 0;
  private failure: Error | null = null;
  /** Blocks submitted and not answered yet. */
  inFlight = 0;
  /** Block buffers the workers handed back. */
  readonly spares: Uint8Array[] = [];
  /** LineArrays buffers whose results have been read, for the next blocks. */
  readonly lineSpares: SharedArrayBuffer[] = [];

  constructor(count: number, data: LintWorkerData) {
    for (let i = 0; i < count; i++) {
      const worker = startWorker(data);
      const queue: (typeof this.waiting)[number] = [];
      worker.on('message', (result: LintBlockResult) => {
        this.inFlight--;
        this.spares.push(new Uint8Array(result.bytes.buffer));
        queue.shift()?.resolve(result);
      });
      const fail = (error: Error) => {
        this.failure ??= error;
        for (const waiter of queue.splice(0)) waiter.reject(error);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a lint worker stopped with exit code ${code}`));
      });
      this.workers.push(worker);
      this.waiting.push(queue);
    }
  }

  submit(block: LintBlock): Promise<LintBlockResult> {
    if (this.failure) return Promise.reject(this.failure);
    const index = this.nextWorker++ % this.workers.length;
    this.inFlight++;
    return new Promise((resolve, reject) => {
      this.waiting[index].push({ resolve, reject });
      // shared memory, not transferred (see the file comment)
      this.workers[index].postMessage(block);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

export interface ParallelOptions {
  workers: number;
  /** The file's size, to tell when the reading nears its end. */
  sizeBytes: number;
  maxLineBytes: number;
  vote: FormatVote;
  lines: LineFindings;
  /** For the blocks the main thread analyses itself. */
  counter: TokenCounter;
  /** Told the file's format once the vote has decided it. */
  decided(format: FormatId | null): void;
}

function formatOf(code: number): FormatId | null {
  return code === 0 ? null : FORMAT_ORDER[code - 1];
}

/** The findings of each block's lines, in file order (dataset-level findings are the caller's). */
export async function* lintInWorkers(path: string, settings: DatasetSettings, options: ParallelOptions): AsyncGenerator<Finding[]> {
  const { lines } = options;
  // the workers start first, so their start-up (~0.1 s each) overlaps the read and the vote; each block carries the format
  const workers = new Pool(options.workers, { lintWorker: true, settings, maxLineBytes: options.maxLineBytes });
  const chunks = readFileLineChunks(path, options.maxLineBytes, () => workers.spares.pop());
  try {
    const { held, rest } = await voteOnFormat(chunks, options);
    const format = fileFormat(settings, options.vote);
    options.decided(format);
    // Blocks in file order: a worker's answer, or (null) an oversized line. While every worker has QUEUED_PER_WORKER blocks,
    // the main thread analyses the next block itself instead of waiting for them:
    // otherwise it idles for a third of the file with one worker (measured on two cores, 2026-12-06), and a second
    // worker costs a start-up and a JIT warm-up of its own and competes with it for the cores.
    const pending: Array<{ chunk: LineChunk; result: Promise<LintBlockResult> | null; done: LintBlockResult | null }> = [];
    let id = 0;
    const local: BlockContext = { settings, maxLineBytes: options.maxLineBytes, plan: rulePlan(settings) };
    // Near the end of the file the main thread keeps a block whenever a worker is still busy: blocks queued there
    // would leave it waiting on the worker's backlog once the file is read.
    let unread = options.sizeBytes;
    const enqueue = (chunk: LineChunk) => {
      if (chunk.kind !== 'lines') {
        pending.push({ chunk, result: null, done: null });
        return;
      }
      unread -= chunk.bytes.length;
      const block: LintBlock = { id: id++, bytes: chunk.bytes, count: chunk.count, fileFormat: format, spare: workers.lineSpares.pop() ?? null };
      const nearEnd = unread < options.workers * QUEUED_PER_WORKER * BLOCK_BYTES;
      if (workers.inFlight >= options.workers * (nearEnd ? 1 : QUEUED_PER_WORKER)) {
        mainThreadBlocks.count++;
        pending.push({ chunk, result: null, done: analyzeBlock(block, local, options.counter) });
        return;
      }
      const entry: (typeof pending)[number] = { chunk, result: workers.submit(block), done: null };
      // a failed block is reported when its turn comes, not as an unhandled rejection meanwhile
      entry.result!.then((result) => (entry.done = result)).catch(() => undefined);
      pending.push(entry);
    };
    const ready = () => pending.length > 0 && (pending[0].chunk.kind === 'oversized' || pending[0].done !== null);
    // a block's findings, a slice at a time (blockFindings)
    const take = async (): Promise<Iterable<Finding[]>> => {
      const { chunk, result, done } = pending.shift()!;
      if (chunk.kind === 'oversized') return [[...lines.process(chunk.line, chunk.bytes, OVERSIZED, NO_RANGE)]];
      const answer = done ?? (await result!);
      // a block analysed here hands its buffer back as the workers' answers do
      if (!result) workers.spares.push(new Uint8Array(chunk.bytes.buffer));
      return blockFindings(chunk.firstLine, answer, lines, () => workers.lineSpares.push(answer.buffer));
    };
    for (const chunk of held) enqueue(chunk);
    if (rest) {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        enqueue(next.value);
        while (ready()) yield* await take();
        // memory stays bounded: a few blocks ahead of the oldest one still being analysed
        while (pending.length > options.workers * QUEUED_PER_WORKER + 2) yield* await take();
      }
    }
    while (pending.length) yield* await take();
  } finally {
    await chunks.return(undefined);
    await workers.close();
  }
}

/**
 * Decodes the first lines here (cheaply: JSON.parse and the keys) for the format vote, and returns their blocks,
 * which the workers still have to analyse; `rest` tells whether the file goes on after them.
 */
async function voteOnFormat(chunks: AsyncGenerator<LineChunk>, options: ParallelOptions): Promise<{ held: LineChunk[]; rest: boolean }> {
  const { vote } = options;
  const held: LineChunk[] = [];
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    const chunk = next.value;
    held.push(chunk);
    if (chunk.kind === 'oversized') vote.read(0);
    else {
      const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
      let start = 0;
      for (let i = 0; i < chunk.count && !vote.closed; i++) {
        let end = bytes.indexOf(10, start);
        if (end < 0) end = bytes.length;
        // counted as cross-line/lint-stream.ts counts it, so both passes close the vote at the same line
        const text = end - start <= options.maxLineBytes ? bytes.toString('utf8', start, end) : '';
        vote.read(text.length);
        if (text) vote.add(voteOf(text));
        start = end + 1;
      }
    }
    if (vote.closed) return { held, rest: true };
  }
  return { held, rest: false };
}

const NO_FINDINGS: AnalysedLine['findings'] = [];
const OVERSIZED: AnalysedLine = { kind: 'blank', findings: NO_FINDINGS, ownFormat: null, format: null, overLimit: false, sideLengths: null, fingerprint: null };
const NO_RANGE = () => ({ start: 0, end: 1 });

/**
 * The findings of a block's lines, in order, a batch of BATCH_LINES (as the one-thread pass reads them) at a time:
 * what a slice allocates (fingerprints, matches, findings) lives until the consumer has written it, and every
 * scavenge in between copies it. The block's arrays are free again once it is done.
 */
function* blockFindings(firstLine: number, result: LintBlockResult, lines: LineFindings, done: () => void): Generator<Finding[]> {
  const count = result.kinds.length;
  const slab: SignatureSlab = { signatures: result.signatures, bands: result.bands };
  const findings = { next: 0 };
  for (let from = 0; from < count; from += BATCH_LINES) yield sliceFindings(firstLine, result, slab, lines, from, Math.min(count, from + BATCH_LINES), findings);
  done();
}

function sliceFindings(firstLine: number, result: LintBlockResult, slab: SignatureSlab, lines: LineFindings, from: number, to: number, withFindings: { next: number }): Finding[] {
  const prints = new Array<Fingerprint | null>(to - from).fill(null);
  const numbers = new Int32Array(to - from);
  for (let i = from; i < to; i++) {
    numbers[i - from] = firstLine + i;
    const code = result.kinds[i];
    if ((code & 3) === KIND_RECORD && code & FLAG_FINGERPRINT) prints[i - from] = fingerprintAt(result, slab, i);
  }
  // the cross-record indexes for the whole slice at once (band by band), then each line's findings in order
  const matches = lines.index.addBlock(numbers, prints);
  const out: Finding[] = [];
  // One analysis and one `locate` for the whole slice, refilled per line: `process` reads them and keeps neither.
  let at = 0;
  const locate = () => ({ start: result.ranges[at * 2], end: result.ranges[at * 2 + 1] });
  const sideLengths = { chosen: 0, rejected: 0 };
  const analysis: AnalysedLine = { kind: 'blank', findings: NO_FINDINGS, ownFormat: null, format: null, overLimit: false, sideLengths: null, fingerprint: null };
  for (let i = from; i < to; i++) {
    const code = result.kinds[i];
    const kind = code & 3;
    const number = numbers[i - from];
    if (kind === KIND_OVERSIZED) {
      out.push(...lines.process(number, result.ranges[i * 2], OVERSIZED, NO_RANGE));
      continue;
    }
    analysis.findings = NO_FINDINGS;
    const next = withFindings.next;
    if (next < result.findings.length && result.findings[next][0] === i) {
      analysis.findings = result.findings[next][1];
      withFindings.next++;
    }
    analysis.kind = kind === KIND_BLANK ? 'blank' : kind === KIND_INVALID ? 'invalid' : 'record';
    analysis.ownFormat = formatOf(result.formats[i * 2]);
    analysis.format = formatOf(result.formats[i * 2 + 1]);
    analysis.overLimit = (code & FLAG_OVER_LIMIT) !== 0;
    analysis.sideLengths = null;
    if (result.sideLengths[i * 2] >= 0) {
      sideLengths.chosen = result.sideLengths[i * 2];
      sideLengths.rejected = result.sideLengths[i * 2 + 1];
      analysis.sideLengths = sideLengths;
    }
    analysis.fingerprint = prints[i - from];
    at = i;
    const found = lines.process(number, undefined, analysis, locate, matches[i - from]);
    for (const finding of found) out.push(finding);
  }
  return out;
}

function fingerprintAt(result: LintBlockResult, slab: SignatureSlab, i: number): Fingerprint {
  const keys = result.keys;
  const at = i * KEYS_PER_LINE;
  const signed = (result.kinds[i] & FLAG_SIGNATURE) !== 0;
  return {
    full: keyOrNull(keys[at]),
    prompt: keyOrNull(keys[at + 1]),
    response: keyOrNull(keys[at + 2]),
    preference: keyOrNull(keys[at + 3]),
    opposite: keyOrNull(keys[at + 4]),
    slab: signed ? slab : null,
    slot: signed ? i : -1,
  };
}

function keyOrNull(key: number): number | null {
  return Number.isNaN(key) ? null : key;
}
