// Padding-aware batching: examples are shuffled by seed and epoch, sorted by length inside windows of a few batches
// (so a batch pads little), and the batches' order is shuffled again. The plan is a pure function of (seed, epoch),
// so a checkpoint only stores the position (epoch, batch index) and --resume sees exactly the same batches.
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
  /** [batchSize × sequenceLength] int64 1 for real tokens, 0 for padding. */
  attentionMask: BigInt64Array;
  /** Real (unpadded) tokens in the batch, for tokens/s. */
  tokens: number;
  /** Positions that carry a target. */
  targetTokens: number;
  /** Source lines of the examples, in batch order. */
  lines: number[];
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
  const longest = Math.max(...indices.map((index) => examples[index].ids.length));
  const sequenceLength = bucketLength(longest, granularity);
  const batchSize = indices.length;
  const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(padId));
  const labels = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(IGNORE_INDEX));
  const attentionMask = new BigInt64Array(batchSize * sequenceLength);
  let tokens = 0;
  let targetTokens = 0;
  indices.forEach((exampleIndex, row) => {
    const { ids, trainedMask } = examples[exampleIndex];
    const base = row * sequenceLength;
    for (let position = 0; position < ids.length; position++) {
      inputIds[base + position] = BigInt(ids[position]);
      attentionMask[base + position] = 1n;
      // Position 0 is never a target: nothing precedes it.
      if (position > 0 && trainedMask[position]) {
        labels[base + position] = BigInt(ids[position]);
        targetTokens++;
      }
    }
    tokens += ids.length;
  });
  return { batchSize, sequenceLength, inputIds, labels, attentionMask, tokens, targetTokens, lines: indices.map((index) => examples[index].line) };
}

/** Where the data loader stands: stored in checkpoints. */
export interface DataPosition {
  epoch: number;
  /** Index of the next batch within the epoch's plan. */
  batch: number;
}

/** An endless stream of batches over epochs, resumable from a DataPosition. */
export class BatchStream {
  private plan: number[][];

  constructor(
    private readonly examples: readonly TokenizedExample[],
    private readonly batchSize: number,
    private readonly seed: number,
    private readonly padId: number,
    private position: DataPosition = { epoch: 0, batch: 0 },
    private readonly granularity = 8,
  ) {
    if (examples.length === 0) throw new Error('no training examples');
    this.plan = this.planFor(position.epoch);
  }

  private planFor(epoch: number): number[][] {
    return planEpoch(this.examples.map((example) => example.ids.length), this.batchSize, this.seed, epoch);
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
    const batch = makeBatch(this.examples, this.plan[this.position.batch], this.padId, this.granularity);
    this.position = { ...this.position, batch: this.position.batch + 1 };
    return batch;
  }
}
