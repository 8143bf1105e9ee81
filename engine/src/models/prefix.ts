// Prefix tuning's keys and values (Li & Liang 2021; P-Tuning v2), in PEFT's PREFIX_TUNING layout: one table
// [N, layers·2·kvDim] whose row t holds, for every layer, virtual token t's key then value over the key/value heads
// (kvDim = numKvHeads·headDim: one prefix per KV head with GQA). PEFT views it as [N, 2·layers, kvHeads, headDim]
// and hands it to transformers as the cache, so the prefix is already rotated (no RoPE) and the real tokens sit at
// positions N, N+1, … behind it.
import { ops, type Value } from '../graph';
import type { ModelConfig } from '../io/config';

/** The width of PEFT's prefix table for this model: layers · 2 · numKvHeads · headDim. */
export function prefixWidth(config: ModelConfig): number {
  return config.numLayers * 2 * config.numKvHeads * config.headDim;
}

/** Per layer, the prefix's keys and values [1, numKvHeads, N, headDim] from the table [N, prefixWidth]. */
export function prefixKeyValues(table: Value, config: ModelConfig): { key: Value; value: Value }[] {
  const count = table.shape[0] as number;
  const { numLayers, numKvHeads, headDim } = config;
  const split = ops.reshape(table, [count, 2 * numLayers, numKvHeads, headDim]);
  const byEntry = ops.transpose(split, [1, 2, 0, 3]); // [2·layers, kvHeads, N, headDim]
  const entry = (index: number) => ops.slice(byEntry, [0], [index], [index + 1]); // [1, kvHeads, N, headDim]
  return Array.from({ length: numLayers }, (_, layer) => ({ key: entry(2 * layer), value: entry(2 * layer + 1) }));
}
