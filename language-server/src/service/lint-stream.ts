// `finetune lint` and the trainer's loader: validate a file of any size in one streaming pass. Findings come out in
// line order (dataset-level ones last), with the same rules and settings as an open document; memory holds the
// cross-record indexes, never the file.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { meta as jsonSyntaxMeta } from '../rules/json-syntax';
import * as nearDuplicate from '../rules/near-duplicate';
import { analyzeLine, primaryRange, type LineAnalysis } from './analyze-line';
import type { TokenCounter } from './api';
import { DatasetCounts, datasetFindings, fileFormat, FormatVote } from './dataset-stats';
import { loadEvalIndex, type EvalIndex } from './eval-index';
import { meta as evalOverlapMeta } from '../rules/eval-overlap';
import { crossFinding, evalOverlapFinding, isEnabled, lineRange, mixedFormatFinding, publish, severityOf } from './findings';
import { MAX_LINE_BYTES, readLineBatches, type SourceLine } from './line-reader';
import { StreamIndex } from './stream-index';
import { createTokenCounter } from './model-token-counter';
import { meta as tooLongMeta } from '../rules/too-long';
import type { CanonicalExample, DatasetSettings, Finding } from './types';

export interface LintContext {
  tokenCounter?: TokenCounter;
  evalIndex?: EvalIndex;
  /** Called with each record's canonical example (the trainer's loader collects them). */
  onExample?: (example: CanonicalExample) => void;
  /** Lines longer than this (bytes) are reported and skipped; default MAX_LINE_BYTES (64 MB). */
  maxLineBytes?: number;
}

/** At most this many lines wait while the first records decide the file's format. */
const MAX_BUFFERED_LINES = 5000;

/** A file whose first bytes hold NUL is not text; one finding says so instead of thousands of syntax errors. */
export function looksBinary(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8192);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).includes(0);
  } finally {
    closeSync(fd);
  }
}

export async function* lintFile(path: string, settings: DatasetSettings, context: LintContext = {}): AsyncGenerator<Finding> {
  if (looksBinary(path)) {
    const severity = severityOf(settings, jsonSyntaxMeta) ?? 'error';
    yield { rule: jsonSyntaxMeta.id, severity, range: lineRange(0, 0, 1), message: 'this is a binary file (it contains NUL bytes), not JSON Lines text' };
    return;
  }
  yield* lintStream(createReadStream(path, { highWaterMark: 1 << 20 }), settings, context);
}

export async function* lintText(text: string, settings: DatasetSettings, context: LintContext = {}): AsyncGenerator<Finding> {
  yield* lintStream(Readable.from([Buffer.from(text, 'utf8')]), settings, context);
}

export async function* lintStream(stream: Readable, settings: DatasetSettings, context: LintContext = {}): AsyncGenerator<Finding> {
  let counter = context.tokenCounter;
  if (!counter) {
    const made = createTokenCounter(settings.baseModel);
    counter = made.counter;
    if (made.problem) yield { rule: tooLongMeta.id, severity: 'info', range: lineRange(0, 0, 1), message: made.problem };
  }
  let evalIndex = context.evalIndex;
  if (!evalIndex && settings.evalFile) {
    try {
      evalIndex = await loadEvalIndex(settings.evalFile);
    } catch (error) {
      const severity = severityOf(settings, evalOverlapMeta);
      if (severity) yield { rule: evalOverlapMeta.id, severity, range: lineRange(0, 0, 1), message: `cannot read the eval file ${settings.evalFile}: ${(error as Error).message}` };
    }
  }
  const vote = new FormatVote();
  const counts = new DatasetCounts();
  const index = new StreamIndex(settings.nearDuplicateThreshold, isEnabled(settings, nearDuplicate.meta));
  let buffered: SourceLine[] | null = [];
  let format = fileFormat(settings, vote);

  const process = (line: SourceLine, analysis: LineAnalysis): Finding[] => {
    const out: Finding[] = [];
    if (line.oversizedBytes !== undefined) {
      const severity = severityOf(settings, jsonSyntaxMeta);
      if (severity) out.push({ rule: jsonSyntaxMeta.id, severity, range: lineRange(line.number, 0, 1), message: `this line is ${(line.oversizedBytes / 1048576).toFixed(1)} MB, over the ${((context.maxLineBytes ?? MAX_LINE_BYTES) / 1048576).toFixed(0)} MB a record may have: is a line break missing?` });
      return out;
    }
    counts.add(analysis);
    for (const local of analysis.findings) out.push(publish(local, line.number));
    if (analysis.kind !== 'record') return out;
    let located: Finding['range'] | null = null;
    const range = () => {
      if (!located) {
        const offsets = primaryRange(line.text, analysis);
        located = lineRange(line.number, offsets.start, offsets.end);
      }
      return located;
    };
    if (analysis.ownFormat && format && analysis.ownFormat !== format) {
      const mixed = mixedFormatFinding(settings, analysis.ownFormat, format, range());
      if (mixed) out.push(mixed);
    }
    const print = analysis.fingerprint;
    if (print) {
      const match = index.add(line.number, print);
      if (match) {
        const found = crossFinding(settings, match, range(), lineRange(match.first, 0, 0), { start: { line: line.number, character: 0 }, end: { line: line.number + 1, character: 0 } });
        if (found) out.push(found);
      }
      if (evalIndex) {
        const fullLine = print.full !== null ? evalIndex.full.get(print.full) : undefined;
        const promptLine = fullLine === undefined && print.prompt !== null ? evalIndex.prompt.get(print.prompt) : undefined;
        const evalLine = fullLine ?? promptLine;
        if (evalLine !== undefined) {
          const found = evalOverlapFinding(settings, range(), evalIndex.uri, evalLine, fullLine === undefined);
          if (found) out.push(found);
        }
      }
    }
    if (context.onExample && analysis.turns && analysis.format) context.onExample({ line: line.number, format: analysis.format, turns: analysis.turns });
    return out;
  };

  for await (const batch of readLineBatches(stream, context.maxLineBytes)) {
    for (const line of batch) {
      if (buffered) {
        // the file's format is not known yet: vote with this record, keep the line until it is
        vote.add(analyzeLine(line.text, settings, counter, null));
        buffered.push(line);
        if (!vote.decided && buffered.length < MAX_BUFFERED_LINES) continue;
        format = fileFormat(settings, vote);
        const waiting: SourceLine[] = buffered;
        buffered = null;
        for (const held of waiting) yield* process(held, analyzeLine(held.text, settings, counter, format));
        continue;
      }
      const findings = process(line, analyzeLine(line.text, settings, counter, format));
      for (const finding of findings) yield finding;
    }
  }
  if (buffered) {
    format = fileFormat(settings, vote);
    for (const held of buffered) yield* process(held, analyzeLine(held.text, settings, counter, format));
  }
  for (const found of datasetFindings(counts, settings, counter.estimated)) yield { ...found, range: lineRange(0, 0, 1) };
  if (index.nearDuplicateLimitReached) {
    const severity = severityOf(settings, nearDuplicate.meta);
    if (severity) yield { rule: nearDuplicate.meta.id, severity: 'info', range: lineRange(0, 0, 1), message: 'near-duplicate search covered the first 500,000 records only' };
  }
}
