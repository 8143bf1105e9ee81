// The worker thread of the parallel linter (lint-parallel.ts): decodes blocks of lines, analyses each line exactly as
// the single-threaded pass does, and sends back what the main thread's cross-record indexes and dataset counts need,
// packed in typed arrays (shared memory, not copied); only lines with findings send objects.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeLine, primaryRange } from '../line/analyze-line';
import { rulePlan, type RulePlan } from '../rules/rule-plan';
import { SIGNATURE_BINS, type SignatureSlot } from '../cross-line/fingerprint';
import { KEYS_PER_LINE, lineArrays, type LineArrays } from './line-arrays';
import { FORMAT_ORDER } from '../line/formats';
import { createTokenCounter } from '../tokens/token-counter';
import type { LocalFinding } from '../line/record';
import type { TokenCounter } from '../api';
import type { DatasetSettings, FormatId } from '../../../contracts/src/dataset-types';

export interface LintWorkerData {
  /** Marks a lint worker: the module is also loaded (for its constants) in other threads, which it must leave be. */
  lintWorker: true;
  settings: DatasetSettings;
  maxLineBytes: number;
}

export interface LintBlock {
  id: number;
  bytes: Uint8Array;
  count: number;
  /** The file's format, decided by the vote (which runs while the workers start). */
  fileFormat: FormatId | null;
  /** A LineArrays buffer to reuse (an earlier block's, handed back), or null. */
  spare: SharedArrayBuffer | null;
}

/** Per line: KIND_* in the low bits, flags above. */
export const KIND_BLANK = 0;
export const KIND_INVALID = 1;
export const KIND_RECORD = 2;
export const KIND_OVERSIZED = 3;
export const FLAG_OVER_LIMIT = 4;
export const FLAG_FINGERPRINT = 8;
export const FLAG_SIGNATURE = 16;

export interface LintBlockResult extends LineArrays {
  id: number;
  /** SIGNATURE_BINS per line with FLAG_SIGNATURE: kept by the near-duplicate index, so never reused. */
  signatures: Uint16Array;
  findings: Array<[number, LocalFinding[]]>;
  /** The block's buffer, handed back for the next block. */
  bytes: Uint8Array;
}

export function formatCode(format: FormatId | null): number {
  return format === null ? 0 : FORMAT_ORDER.indexOf(format) + 1;
}

/** What a thread analysing blocks keeps for all of them: its settings and the rules they turn on (rulePlan, made once). */
export interface BlockContext {
  settings: DatasetSettings;
  maxLineBytes: number;
  plan: RulePlan;
}

/** A block's analysis, in a worker or (lint-parallel.ts, while the workers are busy) in the main thread. */
export function analyzeBlock(block: LintBlock, data: BlockContext, counter: TokenCounter): LintBlockResult {
  const n = block.count;
  const result: LintBlockResult = { id: block.id, ...lineArrays(n, block.spare), signatures: new Uint16Array(new SharedArrayBuffer(n * SIGNATURE_BINS * 2)), findings: [], bytes: block.bytes };
  const bytes = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
  const plan = data.plan;
  // signatures are written straight into the block's arrays, a slot per line
  const signatureSlot: SignatureSlot = { slab: { signatures: result.signatures, bands: result.bands }, slot: 0 };
  let start = 0;
  for (let i = 0; i < n; i++) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    if (end - start > data.maxLineBytes) {
      result.kinds[i] = KIND_OVERSIZED;
      result.ranges[i * 2] = end - start;
      start = end + 1;
      continue;
    }
    const text = bytes.toString('utf8', start, end);
    start = end + 1;
    signatureSlot.slot = i;
    const analysis = analyzeLine(text, data.settings, counter, block.fileFormat, plan, signatureSlot);
    let kind = analysis.kind === 'blank' ? KIND_BLANK : analysis.kind === 'invalid' ? KIND_INVALID : KIND_RECORD;
    if (analysis.findings.length) result.findings.push([i, analysis.findings]);
    if (analysis.overLimit) kind |= FLAG_OVER_LIMIT;
    result.formats[i * 2] = formatCode(analysis.ownFormat);
    result.formats[i * 2 + 1] = formatCode(analysis.format);
    if (analysis.kind === 'record') {
      const range = primaryRange(text, analysis);
      result.ranges[i * 2] = range.start;
      result.ranges[i * 2 + 1] = range.end;
    }
    if (analysis.sideLengths) {
      result.sideLengths[i * 2] = analysis.sideLengths.chosen;
      result.sideLengths[i * 2 + 1] = analysis.sideLengths.rejected;
    }
    const print = analysis.fingerprint;
    if (print) {
      kind |= FLAG_FINGERPRINT;
      const at = i * KEYS_PER_LINE;
      result.keys[at] = print.full ?? NaN;
      result.keys[at + 1] = print.prompt ?? NaN;
      result.keys[at + 2] = print.response ?? NaN;
      result.keys[at + 3] = print.preference ?? NaN;
      result.keys[at + 4] = print.opposite ?? NaN;
      if (print.slab) kind |= FLAG_SIGNATURE;
    }
    result.kinds[i] = kind;
  }
  return result;
}

function serve(): void {
  const port = parentPort;
  const data = workerData as LintWorkerData | undefined;
  if (!port || data?.lintWorker !== true) return;
  const { counter } = createTokenCounter(data.settings.baseModel);
  const context: BlockContext = { settings: data.settings, maxLineBytes: data.maxLineBytes, plan: rulePlan(data.settings) };
  port.on('message', (block: LintBlock) => {
    const result = analyzeBlock(block, context, counter);
    // its arrays are shared memory: nothing to transfer (lint-parallel.ts says why)
    port.postMessage(result);
  });
}

serve();
