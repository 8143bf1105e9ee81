// Building blocks shared by the decoder-only architectures that are not differentiated (positions and masks): the
// rotary tables from position ids and the causal + padding (+ sliding window) mask, as transformers builds them.
// The differentiable parts (RMSNorm, rotary, attention, SwiGLU, cross-entropy) are autodiff composites.
import { ops, type Dim, type Value } from '../graph';
import { layerWindow, longropeLongInverseFrequencies, ropeInverseFrequencies, type ModelConfig } from '../io/config';

/** Finite stand-ins for -inf (torch.finfo(dtype).min, as transformers' masks use): fully masked rows stay finite. */
const MASKED = { float32: -3.4028234663852886e38, float64: -Number.MAX_VALUE } as const;

export type ComputeType = keyof typeof MASKED;

/** A scalar int64 holding x's run-time size along `axis`. */
export function runtimeSize(x: Value, axis: number): Value {
  return ops.squeeze(ops.shapeOf(x, axis, axis + 1), [0]);
}

/** cos and sin of the rotary angles, [batch|1, 1, seq, head_dim] (the half table twice, as emb = cat(freqs, freqs)). */
export function rotaryTables(positions: Value, inverseFrequencies: Float64Array, dtype: ComputeType): { cos: Value; sin: Value } {
  const g = positions.graph;
  const half = inverseFrequencies.length;
  // transformers computes inv_freq and the angles in float32; so do we (float64 only in gradient-check builds).
  const inverse = g.constant(dtype, [half], Array.from(inverseFrequencies, (f) => Math.fround(f)));
  const angles = ops.mul(ops.unsqueeze(ops.cast(positions, dtype), [-1]), inverse); // [b, s, half]
  const doubled = ops.concat([angles, angles], -1);
  const perHead = ops.unsqueeze(doubled, [1]); // broadcast over heads
  return { cos: ops.cos(perHead), sin: ops.sin(perHead) };
}

/**
 * The rotary tables of a RoPE config (head_dim: the rotated dims). LongRoPE has two frequency tables and, as
 * transformers decides per forward call, uses the long one when the largest position id reaches the original length
 * (so a cached decode that crosses it would keep its earlier keys short-rotated: generate/generator.ts encodes the
 * sequence again there); its cos and sin are scaled by the attention factor.
 */
export function ropeTables(positions: Value, rope: Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>, dtype: ComputeType): { cos: Value; sin: Value } {
  const scaling = rope.ropeScaling;
  const short = rotaryTables(positions, ropeInverseFrequencies(rope), dtype);
  if (scaling.type !== 'longrope') return short;
  const long = rotaryTables(positions, longropeLongInverseFrequencies(rope, scaling.longFactor), dtype);
  const beyond = ops.greaterOrEqual(ops.reduce('ReduceMax', positions), positions.graph.scalar(scaling.originalMaxPositionEmbeddings, 'int64'));
  const pick = (longTable: Value, shortTable: Value) => ops.mul(ops.where(beyond, longTable, shortTable), Math.fround(scaling.attentionFactor));
  return { cos: pick(long.cos, short.cos), sin: pick(long.sin, short.sin) };
}

/**
 * Additive mask [batch, 1, seq, total] for queries at absolute indices past..past+seq-1 over keys 0..total-1:
 * a key is visible when it is not in the future, not padding, and (with a window) less than `window` back.
 */
export function attentionBias(attentionMask: Value, past: Value, seqLength: Value, seqDim: Dim, window: number | null, dtype: ComputeType): Value {
  const g = attentionMask.graph;
  const zero = g.scalar(0, 'int64');
  const one = g.scalar(1, 'int64');
  const total = runtimeSize(attentionMask, 1);
  const keyIndex = ops.range(zero, total, one, attentionMask.shape[1]); // [total]
  const queryIndex = ops.add(ops.range(zero, seqLength, one, seqDim), past); // [seq]
  const queryColumn = ops.unsqueeze(queryIndex, [1]); // [seq, 1]
  let visible = ops.lessOrEqual(keyIndex, queryColumn); // [seq, total]
  if (window !== null) visible = ops.and(visible, ops.less(ops.sub(queryColumn, keyIndex), g.scalar(window, 'int64')));
  const notPadding = ops.unsqueeze(ops.equal(attentionMask, one), [1, 2]); // [b, 1, 1, total]
  const allowed = ops.and(ops.unsqueeze(visible, [0, 1]), notPadding); // [b, 1, seq, total]
  return ops.where(allowed, g.scalar(0, dtype), MASKED[dtype]);
}

/**
 * Additive mask [batch, 1, seq, seq] for packed rows (training, no cache): the attention mask holds each token's
 * example number (1, 2, … within the row, 0 for padding), and a key is visible when it belongs to the query's
 * example, is not in the future and (with a window) less than `window` back: a block-diagonal causal mask, so
 * each example attends exactly as it would alone.
 */
export function packedAttentionBias(segmentIds: Value, seqLength: Value, seqDim: Dim, window: number | null, dtype: ComputeType): Value {
  const g = segmentIds.graph;
  const zero = g.scalar(0, 'int64');
  const index = ops.range(zero, seqLength, g.scalar(1, 'int64'), seqDim); // [seq]
  const queryColumn = ops.unsqueeze(index, [1]); // [seq, 1]
  let visible = ops.lessOrEqual(index, queryColumn); // [seq, seq]
  if (window !== null) visible = ops.and(visible, ops.less(ops.sub(queryColumn, index), g.scalar(window, 'int64')));
  const sameExample = ops.equal(ops.unsqueeze(segmentIds, [2]), ops.unsqueeze(segmentIds, [1])); // [b, seq, seq]
  const realKey = ops.unsqueeze(ops.greater(segmentIds, zero), [1]); // [b, 1, seq]
  const allowed = ops.unsqueeze(ops.and(ops.and(ops.unsqueeze(visible, [0]), sameExample), realKey), [1]); // [b, 1, seq, seq]
  return ops.where(allowed, g.scalar(0, dtype), MASKED[dtype]);
}

/** The bias builder per window of a model's inputs: packed (segment ids in the mask) or causal + padding. */
export function sequenceBias(
  packed: boolean | undefined,
  attentionMask: Value,
  past: Value,
  seqLength: Value,
  seqDim: Dim,
  dtype: ComputeType,
): (window: number | null) => Value {
  return packed
    ? (window) => packedAttentionBias(attentionMask, seqLength, seqDim, window, dtype)
    : (window) => attentionBias(attentionMask, past, seqLength, seqDim, window, dtype);
}

/**
 * The bias each decoder layer attends with: full causal, or windowed for the layers config.slidingLayers marks
 * (Qwen2's max_window_layers / layer_types). Each kind is built once, and only when some layer uses it.
 */
export function layerBiases(
  config: Pick<ModelConfig, 'slidingWindow' | 'slidingLayers'>,
  build: (window: number | null) => Value,
): (layer: number) => Value {
  const built = new Map<number | null, Value>();
  return (layer) => {
    const window = layerWindow(config, layer);
    if (!built.has(window)) built.set(window, build(window));
    return built.get(window)!;
  };
}

/** [batch, seq, heads·d] → [batch, heads, seq, d]. */
export function splitHeads(x: Value, heads: number, headDim: number): Value {
  return ops.transpose(ops.reshape(x, [x.shape[0], x.shape[1], heads, headDim]), [0, 2, 1, 3]);
}

/** [batch, heads, seq, d] → [batch, seq, heads·d]. */
export function mergeHeads(x: Value): Value {
  const [, heads, , headDim] = x.shape as [unknown, number, unknown, number];
  const bySequence = ops.transpose(x, [0, 2, 1, 3]);
  return ops.reshape(bySequence, [x.shape[0], x.shape[2], heads * headDim]);
}
