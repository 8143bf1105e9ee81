// The eval file's records, reduced to the exact keys `eval-overlap` compares: whole conversation and prompt, each
// mapped to the eval line (0-based) where it first appears. Built once per eval file and shared by documents.
import { createReadStream, readFileSync } from 'node:fs';
import { analyzeLine } from './analyze-line';
import { forEachLine } from './line-reader';
import { defaultSettings } from './settings';
import { createEstimateTokenCounter } from './token-estimate';

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

/** Reads the eval file line by line (it may be large). */
export async function loadEvalIndex(path: string): Promise<EvalIndex> {
  const index = newIndex(path);
  await forEachLine(createReadStream(path), (line, lineNumber) => addLine(index, line, lineNumber));
  return index;
}

export function loadEvalIndexSync(path: string): EvalIndex {
  return buildEvalIndex(readFileSync(path, 'utf8'), path);
}
