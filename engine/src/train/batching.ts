// Padding-aware batching: examples are shuffled by seed and epoch, sorted by length inside windows of a few batches
// (so a batch pads little), and the batches' order is shuffled again. The plan is a pure function of (seed, epoch),
// so a checkpoint only stores the position (epoch, batch index) and --resume sees exactly the same batches.
import { planPackedEpoch } from './packing';
import { SeededRandom } from './random';

/** One example ready for the model: token ids and which positions the loss covers (as targets). */
export interface TokenizedExample {
  /** 0-based line in the source file. */
  line: number;
  ids: number[];
  /** 1 where the token at this position is a training target (assistant content and end-of-turn). */
  trainedMask: Uint8Array;
}

export interface Batch {
  batchSize: number;
  sequenceLength: number;
  /** [batchSize × sequenceLength] int64 token ids, right-padded. */
  inputIds: BigInt64Array;
  /** [batchSize × sequenceLength] int64 targets aligned with inputIds; IGNORE_INDEX where no loss applies. */
  labels: BigInt64Array;
  /** [batchSize × sequenceLength] int64 1 for real tokens, 0 for padding; packed: the example's number in its row (1, 2, …). */
  attentionMask: BigInt64Array;
  /** Packed batches only: [batchSize × sequenceLength] int64 positions restarting at 0 for each example. */
  positionIds?: BigInt64Array;
  /** Real (unpadded) tokens in the batch, for tokens/s. */
  tokens: number;
  /** Positions that carry a target. */
  targetTokens: number;
  /** Source lines of the examples, in batch order. */
  lines: number[];
  /** Preference batches (`--objective dpo`): the pairs; rows are every pair's chosen side, then every rejected side. */
  pairs?: number;
  /** Preference batches: the reference model's completion log-prob of each row. */
  referenceLogprobs?: Float32Array;
}

/** What a batch's loss averages over: target tokens, or pairs for a preference batch. */
export function lossUnits(batch: Batch): number {
  return batch.pairs ?? batch.targetTokens;
}

export const IGNORE_INDEX = -100;
/** How many batches' worth of examples are length-sorted together: a trade-off between padding and randomness. */
const SORT_WINDOW_BATCHES = 8;

/** The batches of one epoch as lists of example indices. */
export function planEpoch(lengths: readonly number[], batchSize: number, seed: number, epoch: number): number[][] {
  const random = new SeededRandom(seed).fork(`epoch-${epoch}`);
  const order = random.shuffle(lengths.map((_, index) => index));
  const windowSize = batchSize * SORT_WINDOW_BATCHES;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += windowSize) {
    const window = order.slice(start, start + windowSize).sort((a, b) => lengths[b] - lengths[a] || a - b);
    for (let offset = 0; offset < window.length; offset += batchSize) batches.push(window.slice(offset, offset + batchSize));
  }
  return random.shuffle(batches);
}

/** The batches of one epoch as rows of example indices: one example a row, or packed into rows of `packRowLength`. */
export function planBatches(lengths: readonly number[], batchSize: number, seed: number, epoch: number, packRowLength?: number): number[][][] {
  if (packRowLength !== undefined) return planPackedEpoch(lengths, packRowLength, batchSize, seed, epoch);
  return planEpoch(lengths, batchSize, seed, epoch).map((batch) => batch.map((index) => [index]));
}

/** Rounds a padded length up to a multiple of `granularity`, so the session sees only a few distinct shapes. */
export function bucketLength(length: number, granularity: number): number {
  return Math.ceil(length / granularity) * granularity;
}

/**
 * Builds one right-padded batch. Labels follow transformers: aligned with input_ids (the model shifts them, so
 * position t predicts labels[t+1]), IGNORE_INDEX on prompt tokens and padding. Right padding costs a causal model
 * nothing but compute (pads come after every real token); the attention mask marks them anyway.
 */
export function makeBatch(examples: readonly TokenizedExample[], indices: readonly number[], padId: number, granularity = 8): Batch {
  return makeRowsBatch(examples, indices.map((index) => [index]), padId, granularity, false);
}

/**
 * Builds a batch whose rows each hold one or more examples back to back (packing.ts). With `packed`, the attention
 * mask numbers the examples of a row and position ids restart at 0 for each, so the model confines attention to
 * an example; an example's first token is never a target, as when it stands alone.
 */
export function makeRowsBatch(examples: readonly TokenizedExample[], rows: readonly (readonly number[])[], padId: number, granularity: number, packed: boolean): Batch {
  const rowLength = (row: readonly number[]) => row.reduce((sum, index) => sum + examples[index].ids.length, 0);
  const sequenceLength = bucketLength(Math.max(...rows.map(rowLength)), granularity);
  const batchSize = rows.length;
  const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(padId));
  const labels = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(IGNORE_INDEX));
  const attentionMask = new BigInt64Array(batchSize * sequenceLength);
  const positionIds = packed ? new BigInt64Array(batchSize * sequenceLength) : undefined;
  let tokens = 0;
  let targetTokens = 0;
  rows.forEach((row, rowIndex) => {
    let offset = rowIndex * sequenceLength;
    row.forEach((exampleIndex, segment) => {
      const { ids, trainedMask } = examples[exampleIndex];
      for (let position = 0; position < ids.length; position++) {
        inputIds[offset + position] = BigInt(ids[position]);
        attentionMask[offset + position] = BigInt(segment + 1);
        if (positionIds) positionIds[offset + position] = BigInt(position);
        // Position 0 is never a target: nothing precedes it.
        if (position > 0 && trainedMask[position]) {
          labels[offset + position] = BigInt(ids[position]);
          targetTokens++;
        }
      }
      offset += ids.length;
      tokens += ids.length;
    });
  });
  const lines = rows.flatMap((row) => row.map((index) => examples[index].line));
  return { batchSize, sequenceLength, inputIds, labels, attentionMask, ...(positionIds ? { positionIds } : {}), tokens, targetTokens, lines };
}

/** Where the data loader stands: stored in checkpoints. */
export interface DataPosition {
  epoch: number;
  /** Index of the next batch within the epoch's plan. */
  batch: number;
}

/**
 * An endless stream of batches over epochs, resumable from a DataPosition. The plan is over `lengths` (one unit each:
 * an example, or a preference pair); `build` turns one planned batch into a Batch.
 */
export class PlannedStream {
  private plan: number[][][];

  constructor(
    private readonly lengths: readonly number[],
    private readonly batchSize: number,
    private readonly seed: number,
    private readonly build: (rows: readonly (readonly number[])[]) => Batch,
    private position: DataPosition = { epoch: 0, batch: 0 },
    private readonly packRowLength?: number,
  ) {
    if (lengths.length === 0) throw new Error('no training examples');
    this.plan = this.planFor(position.epoch);
  }

  private planFor(epoch: number): number[][][] {
    return planBatches(this.lengths, this.batchSize, this.seed, epoch, this.packRowLength);
  }

  get batchesPerEpoch(): number {
    return this.plan.length;
  }

  /** The position of the next batch (what a checkpoint saves). */
  get next(): DataPosition {
    return { ...this.position };
  }

  take(): Batch {
    if (this.position.batch >= this.plan.length) {
      this.position = { epoch: this.position.epoch + 1, batch: 0 };
      this.plan = this.planFor(this.position.epoch);
    }
    const batch = this.build(this.plan[this.position.batch]);
    this.position = { ...this.position, batch: this.position.batch + 1 };
    return batch;
  }
}

/** The stream of example batches: one example a row, or packed into rows of `packRowLength` when given. */
export class BatchStream extends PlannedStream {
  constructor(examples: readonly TokenizedExample[], batchSize: number, seed: number, padId: number, position?: DataPosition, granularity = 8, packRowLength?: number) {
    const packed = packRowLength !== undefined;
    super(examples.map((example) => example.ids.length), batchSize, seed, (rows) => makeRowsBatch(examples, rows, padId, granularity, packed), position, packRowLength);
  }
}
