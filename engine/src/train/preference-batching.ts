// Batches of preference pairs, as TRL's DataCollatorForPreference lays them out: the rows are every pair's chosen
// side, then every rejected side (right-padded together), with the reference log-probs of each row beside them.
// Pairs are planned like examples (batching.ts: seeded, length-sorted windows) by their longer side.
import { makeRowsBatch, PlannedStream, type Batch, type DataPosition } from './batching';
import type { TokenizedPair } from './preference-data';

export function makePairBatch(pairs: readonly TokenizedPair[], indices: readonly number[], padId: number, granularity = 8): Batch {
  const sides = [...indices.map((index) => pairs[index].chosen), ...indices.map((index) => pairs[index].rejected)];
  const batch = makeRowsBatch(sides, sides.map((_, row) => [row]), padId, granularity, false);
  const references = indices.map((index) => pairs[index].reference);
  const referenceLogprobs = references.every((reference) => reference !== undefined)
    ? Float32Array.from([...references.map((reference) => reference!.chosen), ...references.map((reference) => reference!.rejected)])
    : undefined;
  return { ...batch, lines: indices.map((index) => pairs[index].line), pairs: indices.length, ...(referenceLogprobs ? { referenceLogprobs } : {}) };
}

/** Batches of `batchSize` pairs over epochs, resumable like the example stream. */
export class PairStream extends PlannedStream {
  constructor(pairs: readonly TokenizedPair[], batchSize: number, seed: number, padId: number, position?: DataPosition, granularity = 8) {
    const lengths = pairs.map((pair) => Math.max(pair.chosen.ids.length, pair.rejected.ids.length));
    super(lengths, batchSize, seed, (rows) => makePairBatch(pairs, rows.map((row) => row[0]), padId, granularity), position);
  }
}
