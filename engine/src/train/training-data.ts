// The run's data as the loop sees it, whatever the objective: a resumable stream of training batches, the eval
// batches, and counts for the log and run.json. sft: tokenized examples (data.ts), one a row or packed; dpo:
// preference pairs (preference-data.ts), chosen rows then rejected rows, with the reference log-probs computed once
// by the step graph before the first step.
import { UserError } from '../../../contracts/src/user-error';
import type { TrainingArguments } from '../../../contracts/src/training-arguments';
import { BatchStream, makeRowsBatch, planBatches, type Batch, type DataPosition, type PlannedStream } from './batching';
import { loadTrainingFile, readTrainableExamples, splitForEval, type ChatTokenizerLike } from './data';
import { packRowLength } from './packing';
import { makePairBatch, PairStream } from './preference-batching';
import { tokenizePairs, type TokenizedPair } from './preference-data';
import type { TrainingSession } from './types';

export interface TrainingData {
  /** Examples (sft) or pairs (dpo) in the train and eval sets. */
  trainCount: number;
  evalCount: number;
  truncated: number;
  skipped: number;
  /** One line per set for the log. */
  notes: string[];
  batchesPerEpoch: number;
  stream(position?: DataPosition): PlannedStream;
  /** The eval set in batches of --batch-size (longest first). */
  evalBatches(): Batch[];
  /** Work that needs the compiled step before the first step (dpo: the reference log-probs). */
  prepare(session: TrainingSession): Promise<void>;
}

interface Counted {
  truncated: number;
  skipped: number;
}

function describe(name: string, counted: Counted, count: number, unit: string, truncatedUnit: string): string {
  const notes = [counted.truncated > 0 ? `${counted.truncated}${truncatedUnit ? ` ${truncatedUnit}` : ''} truncated to --max-seq-len` : '', counted.skipped > 0 ? `${counted.skipped} skipped (no trained tokens left)` : ''].filter(Boolean);
  return `${name}: ${count} ${unit}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** Eval batches of `batchSize` units, longest first. */
function inOrder<T>(units: readonly T[], length: (unit: T) => number, batchSize: number, make: (indices: number[]) => Batch): Batch[] {
  const order = units.map((_, index) => index).sort((a, b) => length(units[b]) - length(units[a]));
  const batches: Batch[] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(make(order.slice(start, start + batchSize)));
  return batches;
}

function noTrainableExamples(args: TrainingArguments, truncated: number): UserError {
  const cause = truncated > 0 ? `the assistant turns of ${truncated} record(s) start beyond --max-seq-len ${args.maxSeqLen}: raise it or shorten the prompts` : 'no record has an assistant turn to learn';
  return new UserError(`${args.data}: no example has a trained token to learn from (${cause})`, 'dataset');
}

/** Train and eval sets with their counts and log lines: --eval, else a seeded --eval-fraction of --data. */
interface Sets<T> extends Counted {
  train: T[];
  evaluation: T[];
  notes: string[];
}

async function trainAndEval<T>(args: TrainingArguments, read: (file: string, evalFile?: string) => Promise<Counted & { items: T[] }>, unit: string, truncatedUnit: string): Promise<Sets<T>> {
  const trainData = await read(args.data, args.eval);
  let train = trainData.items;
  let evaluation: T[] = [];
  let evalData: Counted | null = null;
  if (args.eval) {
    const evalSet = await read(args.eval);
    evalData = evalSet;
    evaluation = evalSet.items;
  } else if (args.evalFraction > 0) {
    ({ train, eval: evaluation } = splitForEval(trainData.items, args.evalFraction, args.seed));
  }
  if (train.length === 0) throw noTrainableExamples(args, trainData.truncated);
  const notes = [describe(`train ${args.data}`, trainData, train.length, unit, truncatedUnit)];
  if (evaluation.length > 0) notes.push(describe(`eval ${args.eval ?? `${Math.round(args.evalFraction * 100)}% of ${args.data}`}`, evalData ?? trainData, evaluation.length, unit, truncatedUnit));
  return { train, evaluation, notes, truncated: trainData.truncated + (evalData?.truncated ?? 0), skipped: trainData.skipped + (evalData?.skipped ?? 0) };
}

export async function loadExampleData(args: TrainingArguments, tokenizer: ChatTokenizerLike, padId: number): Promise<TrainingData> {
  const read = async (file: string, evalFile?: string) => {
    const data = await loadTrainingFile(file, tokenizer, { maxSeqLen: args.maxSeqLen, modelDir: args.model, ...(evalFile ? { evalFile } : {}) });
    return { ...data, items: data.examples };
  };
  const { train, evaluation, notes, truncated, skipped } = await trainAndEval(args, read, 'examples', '');
  const packing = packRowLength(args);
  return {
    trainCount: train.length,
    evalCount: evaluation.length,
    truncated,
    skipped,
    notes,
    batchesPerEpoch: planBatches(train.map((example) => example.ids.length), args.batchSize, args.seed, 0, packing).length,
    stream: (position) => new BatchStream(train, args.batchSize, args.seed, padId, position, 8, packing),
    // one example a row; a packing run's graph still takes its inputs in the packed form (numbered, positioned)
    evalBatches: () => inOrder(evaluation, (example) => example.ids.length, args.batchSize, (indices) => makeRowsBatch(evaluation, indices.map((index) => [index]), padId, 8, args.packing)),
    prepare: async () => {},
  };
}

/** The reference log-probs of every pair: the step graph run forward with the starting weights, a batch at a time. */
async function computeReference(session: TrainingSession, pairs: readonly TokenizedPair[], batchSize: number, padId: number): Promise<void> {
  for (let start = 0; start < pairs.length; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, pairs.length - start) }, (_, offset) => start + offset);
    const logprobs = await session.sequenceLogprobs(makePairBatch(pairs, indices, padId));
    indices.forEach((index, row) => (pairs[index].reference = { chosen: logprobs[row], rejected: logprobs[indices.length + row] }));
  }
}

export async function loadPreferenceData(args: TrainingArguments, tokenizer: ChatTokenizerLike, padId: number): Promise<TrainingData> {
  const read = async (file: string, evalFile?: string) => {
    const examples = await readTrainableExamples(file, tokenizer, { maxSeqLen: args.maxSeqLen, modelDir: args.model, ...(evalFile ? { evalFile } : {}) });
    const pairs = tokenizePairs(examples, tokenizer, args.maxSeqLen, file);
    return { ...pairs, items: pairs.pairs };
  };
  const { train, evaluation, notes, truncated, skipped } = await trainAndEval(args, read, 'preference pairs', 'sides');
  const longer = (pair: TokenizedPair) => Math.max(pair.chosen.ids.length, pair.rejected.ids.length);
  return {
    trainCount: train.length,
    evalCount: evaluation.length,
    truncated,
    skipped,
    notes,
    batchesPerEpoch: planBatches(train.map(longer), args.batchSize, args.seed, 0).length,
    stream: (position) => new PairStream(train, args.batchSize, args.seed, padId, position),
    evalBatches: () => inOrder(evaluation, longer, args.batchSize, (indices) => makePairBatch(evaluation, indices, padId)),
    prepare: async (session) => {
      await computeReference(session, train, args.batchSize, padId);
      await computeReference(session, evaluation, args.batchSize, padId);
    },
  };
}
