// `finetune lint` and the trainer's loader: validate a file of any size in one streaming pass. Findings come out in
// line order (dataset-level ones last), with the same rules and settings as an open document; memory holds the
// cross-record indexes, never the file.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { BINARY_FILE_MESSAGE, meta as jsonSyntaxMeta } from '../rules/json-syntax';
import * as nearDuplicate from '../rules/near-duplicate';
import * as evalOverlap from '../rules/eval-overlap';
import { meta as tooLongMeta } from '../rules/too-long';
import { analyzeLine, primaryRange, voteOf } from '../line/analyze-line';
import { rulePlan } from '../rules/rule-plan';
import type { TokenCounter } from '../api';
import { DatasetCounts, datasetFindings, fileFormat, FormatVote } from './dataset-stats';
import { loadEvalIndex, type EvalIndex } from './eval-index';
import { lineRange, ruleFinding } from '../output/findings';
import { isEnabled, severityEvenIfOff, severityOf } from '../rules/severity';
import { LineFindings } from '../parallel/line-findings';
import { MAX_LINE_BYTES, readLineBatches, type SourceLine } from '../line/line-reader';
import { lintInWorkers, parallelWorkers } from '../parallel/lint-parallel';
import { createTokenCounter } from '../tokens/token-counter';
import { NEAR_DUPLICATE_LIMIT, StreamIndex } from './stream-index';
import type { CanonicalExample, DatasetSettings, Finding } from '../../../contracts/src/dataset-types';

export interface LintContext {
  tokenCounter?: TokenCounter;
  evalIndex?: EvalIndex;
  /** Called with each record's canonical example (the trainer's loader collects them). */
  onExample?: (example: CanonicalExample) => void;
  /** Lines longer than this (bytes) are reported and skipped; default MAX_LINE_BYTES (64 MB). */
  maxLineBytes?: number;
  /**
   * lintFile only: worker threads for the per-line analysis, a count or 'auto' (the default: one per core, up to 4,
   * for files of PARALLEL_MIN_BYTES or more); 0 analyses in this thread. Not used with `onExample` or a
   * `tokenCounter`, which live in this thread.
   */
  workers?: number | 'auto';
  /** The source's size in bytes when known: sizes the near-duplicate index. */
  sizeBytes?: number;
  /**
   * Findings without fixes or related locations, for a consumer that shows neither (`finetune lint`): the same
   * rules, ranges and messages with less to build. Dataset-level and rare findings may still carry them.
   */
  plain?: boolean;
}

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
  for await (const batch of lintFileBatches(path, settings, context)) yield* batch;
}

/**
 * lintFile's findings a batch at a time (a few hundred lines each, in line order): what `finetune lint` reads, as one
 * async step per batch costs far less than one per finding when every line has a finding, and a batch's findings
 * die young instead of outliving the scavenges of a slow consumer.
 */
export async function* lintFileBatches(path: string, settings: DatasetSettings, context: LintContext = {}): AsyncGenerator<Finding[]> {
  if (looksBinary(path)) {
    yield [{ rule: jsonSyntaxMeta.id, severity: severityEvenIfOff(settings, jsonSyntaxMeta), range: lineRange(0, 0, 1), message: BINARY_FILE_MESSAGE }];
    return;
  }
  const sizeBytes = statSync(path).size;
  const workers = context.onExample || context.tokenCounter ? 0 : parallelWorkers({ workers: context.workers, sizeBytes });
  yield* lintSource(workers ? { path, workers, sizeBytes } : { stream: createReadStream(path, { highWaterMark: 1 << 20 }) }, settings, { sizeBytes, ...context });
}

export async function* lintText(text: string, settings: DatasetSettings, context: LintContext = {}): AsyncGenerator<Finding> {
  yield* lintStream(Readable.from([Buffer.from(text, 'utf8')]), settings, context);
}

export async function* lintStream(stream: Readable, settings: DatasetSettings, context: LintContext = {}): AsyncGenerator<Finding> {
  for await (const batch of lintSource({ stream }, settings, context)) yield* batch;
}

/** A stream is analysed in this thread; a file may be analysed by worker threads (parallel/lint-parallel.ts). */
async function* lintSource(source: { stream: Readable } | { path: string; workers: number; sizeBytes: number }, settings: DatasetSettings, context: LintContext): AsyncGenerator<Finding[]> {
  let counter = context.tokenCounter;
  if (!counter) {
    const made = createTokenCounter(settings.baseModel);
    counter = made.counter;
    if (made.problem) yield [{ rule: tooLongMeta.id, severity: 'info', range: lineRange(0, 0, 1), message: made.problem }];
  }
  let evalIndex = context.evalIndex;
  const evalFile = settings.evalFile;
  if (!evalIndex && evalFile) {
    try {
      evalIndex = await loadEvalIndex(evalFile);
    } catch (error) {
      const unread = ruleFinding(settings, evalOverlap.meta, () => ({ range: lineRange(0, 0, 1), message: evalOverlap.unreadable(evalFile, error as Error) }));
      if (unread) yield [unread];
    }
  }
  const vote = new FormatVote();
  const counts = new DatasetCounts();
  // a guess at the record count (1 KB a record) sizes the near-duplicate index once; a wrong guess only costs growth
  const index = new StreamIndex(settings.nearDuplicateThreshold, isEnabled(settings, nearDuplicate.meta), Math.round((context.sizeBytes ?? 0) / 1024));
  const maxLineBytes = context.maxLineBytes ?? MAX_LINE_BYTES;
  let format = fileFormat(settings, vote);
  const lines = new LineFindings(settings, counts, index, evalIndex ?? null, () => format, maxLineBytes, context.plain);
  if ('path' in source) {
    yield* lintInWorkers(source.path, settings, { workers: source.workers, sizeBytes: source.sizeBytes, maxLineBytes, vote, lines, counter, decided: (decided) => (format = decided) });
  } else {
    // each batch of lines is analysed, then searched in the cross-record indexes at once (band by band, as the
    // parallel pass does), then reported line by line
    const plan = rulePlan(settings);
    const analyzedBatch = (batch: readonly SourceLine[]): Finding[] => {
      const analyses = batch.map((line) => analyzeLine(line.text, settings, counter, format, plan));
      const matches = lines.index.addBlock(
        batch.map((line) => line.number),
        analyses.map((analysis) => (analysis.kind === 'record' ? analysis.fingerprint : null)),
      );
      const out: Finding[] = [];
      batch.forEach((line, i) => {
        const analysis = analyses[i];
        if (context.onExample && analysis.turns && analysis.format) context.onExample({ line: line.number, format: analysis.format, turns: analysis.turns, ...(analysis.preference ? { preference: analysis.preference } : {}) });
        for (const finding of lines.process(line.number, line.oversizedBytes, analysis, () => primaryRange(line.text, analysis), matches[i])) out.push(finding);
      });
      return out;
    };
    // until the file's format is known (fileFormat decides it from the first records), lines wait for the vote
    let buffered: SourceLine[] | null = [];
    for await (const batch of readLineBatches(source.stream, context.maxLineBytes)) {
      let from = 0;
      if (buffered) {
        while (from < batch.length && !vote.closed) {
          const line = batch[from++];
          vote.read(line.text.length);
          vote.add(voteOf(line.text));
          buffered.push(line);
        }
        if (!vote.closed) continue;
        format = fileFormat(settings, vote);
        const waiting: SourceLine[] = buffered;
        buffered = null;
        yield analyzedBatch(waiting);
      }
      yield analyzedBatch(from === 0 ? batch : batch.slice(from));
    }
    if (buffered) {
      format = fileFormat(settings, vote);
      yield analyzedBatch(buffered);
    }
  }
  yield datasetFindings(counts, settings, counter.estimated).map((found) => ({ ...found, range: lineRange(0, 0, 1) }));
  if (index.nearDuplicateLimitReached) {
    const severity = severityOf(settings, nearDuplicate.meta);
    if (severity) yield [{ rule: nearDuplicate.meta.id, severity: 'info', range: lineRange(0, 0, 1), message: nearDuplicate.limitMessage(NEAR_DUPLICATE_LIMIT) }];
  }
}
