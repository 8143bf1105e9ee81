// The eval file's records, reduced to the exact keys `eval-overlap` compares: whole conversation and prompt, each
// mapped to the eval line (0-based) where it first appears. Built once per eval file and shared by documents.
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { analyzeLine } from '../line/analyze-line';
import { forEachLine } from '../line/line-reader';
import { defaultSettings } from '../settings';
import { createEstimateTokenCounter } from '../tokens/token-estimate';

export interface EvalIndex {
  /** The eval file's URI or path, for related locations. */
  uri: string;
  full: Map<number, number>;
  prompt: Map<number, number>;
}

function newIndex(uri: string): EvalIndex {
  return { uri, full: new Map(), prompt: new Map() };
}

const counter = createEstimateTokenCounter();
const settings = { ...defaultSettings(), severities: Object.fromEntries(['duplicate'].map((id) => [id, 'warning' as const])) };

function addLine(index: EvalIndex, line: string, lineNumber: number): void {
  const analysis = analyzeLine(line, settings, counter, null);
  const print = analysis.fingerprint;
  if (!print) return;
  if (print.full !== null && !index.full.has(print.full)) index.full.set(print.full, lineNumber);
  if (print.prompt !== null && !index.prompt.has(print.prompt)) index.prompt.set(print.prompt, lineNumber);
}

export function buildEvalIndex(text: string, uri: string): EvalIndex {
  const index = newIndex(uri);
  let lineNumber = 0;
  for (const line of text.split('\n')) addLine(index, line, lineNumber++);
  return index;
}

/** An eval file larger than this is refused: it is a setting's target, read whole by the trainer. */
export const MAX_EVAL_FILE_BYTES = 512 * 2 ** 20;

/**
 * Opens the eval file and returns its size, refusing anything but a regular file of bounded size: `evalFile` is a
 * setting, and "/dev/zero" or a FIFO would otherwise be read forever. Reads then stop at that size, so a file that
 * grows meanwhile cannot stretch them either.
 */
function openEvalFile(path: string): { fd: number; size: number } {
  // stat before open too: opening a FIFO for reading blocks until something writes to it
  if (!statSync(path).isFile()) throw new Error('not a regular file');
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error('not a regular file');
    if (stats.size > MAX_EVAL_FILE_BYTES) throw new Error(`larger than ${MAX_EVAL_FILE_BYTES / 2 ** 20} MB`);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Reads the eval file line by line (it may be large). */
export async function loadEvalIndex(path: string): Promise<EvalIndex> {
  const index = newIndex(path);
  const { fd, size } = openEvalFile(path);
  if (size === 0) {
    closeSync(fd);
    return index;
  }
  await forEachLine(createReadStream(path, { fd, start: 0, end: size - 1 }), (line, lineNumber) => addLine(index, line, lineNumber));
  return index;
}

export function loadEvalIndexSync(path: string): EvalIndex {
  const { fd, size } = openEvalFile(path);
  try {
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const count = readSync(fd, buffer, read, size - read, read);
      if (count === 0) break;
      read += count;
    }
    return buildEvalIndex(buffer.toString('utf8', 0, read), path);
  } finally {
    closeSync(fd);
  }
}
