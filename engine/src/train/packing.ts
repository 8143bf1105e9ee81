// Sequence packing: several examples share a row of max-seq-len tokens, so short examples stop paying for the
// padding a long neighbour forces on them. Rows are filled greedily (first fit, longest first); each example keeps
// its own attention and positions (batching.makeRowsBatch, models/layers.packedAttentionBias), so its loss is the
// one it would have alone.
import { TrainingArgumentsError, type TrainingArguments } from '../../../contracts/src/training-arguments';
import { SeededRandom } from './random';

/** Methods whose virtual tokens or prefixes stand before a row's single start, which a packed row does not have. */
const UNPACKABLE_METHODS: readonly TrainingArguments['method'][] = ['prompt', 'ptuning', 'prefix'];

/** The row length batches are packed into, or undefined when the run does not pack. */
export function packRowLength(args: Pick<TrainingArguments, 'packing' | 'maxSeqLen' | 'method'>): number | undefined {
  if (!args.packing) return undefined;
  if (UNPACKABLE_METHODS.includes(args.method)) throw new TrainingArgumentsError(`--packing does not combine with --method ${args.method}: its virtual tokens stand before one example per row`);
  return args.maxSeqLen;
}

/**
 * The rows of one epoch: example indices shuffled by (seed, epoch), stably sorted longest first, each put into the
 * first row it fits (an example at or over `rowLength` gets a row of its own), and the rows shuffled again.
 */
export function packRows(lengths: readonly number[], rowLength: number, seed: number, epoch: number): number[][] {
  const random = new SeededRandom(seed).fork(`packing-${epoch}`);
  const order = random.shuffle(lengths.map((_, index) => index)).sort((a, b) => lengths[b] - lengths[a]);
  const rows: number[][] = [];
  const used: number[] = [];
  for (const index of order) {
    const row = used.findIndex((total) => total + lengths[index] <= rowLength);
    if (row === -1) {
      rows.push([index]);
      used.push(lengths[index]);
    } else {
      rows[row].push(index);
      used[row] += lengths[index];
    }
  }
  return random.shuffle(rows);
}

/** The batches of one packed epoch: `batchSize` rows each. */
export function planPackedEpoch(lengths: readonly number[], rowLength: number, batchSize: number, seed: number, epoch: number): number[][][] {
  const rows = packRows(lengths, rowLength, seed, epoch);
  const batches: number[][][] = [];
  for (let start = 0; start < rows.length; start += batchSize) batches.push(rows.slice(start, start + batchSize));
  return batches;
}
