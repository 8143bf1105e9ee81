// Scaled dot-product attention with grouped-query heads, an optional causal mask and an optional additive mask.
// q [batch, qHeads, qLen, headDim], k/v [batch, kvHeads, kvLen, headDim]. The products see the query heads of one
// key/value head as rows of one matrix, [batch, kvHeads, group·qLen, headDim] (a free reshape), so keys and values
// are neither repeated nor broadcast, and their gradients come summed over the group by the contraction itself; the
// masks and the softmax see the grouped view [batch, kvHeads, group, qLen, kvLen], where the masks broadcast.
// Probabilities are kept for the backward (memory qLen·kvLen per head; fine for the sequence lengths we train).

import { ops, type Value } from '../../graph';
import type { GradientRule } from '../context';

export interface AttentionOptions {
  /** Mask keys after the query's position; queries are aligned to the end of the keys (kvLen − qLen offset). */
  causal: boolean;
  /** Default 1/sqrt(headDim). */
  scale?: number;
  /** Gemma 2's attn_logit_softcapping: scaled scores become tanh(scores / softcap) · softcap before the mask. */
  softcap?: number;
  /** Added to the scores, broadcastable to [batch, 1 or qHeads… as 1, qLen, kvLen] (e.g. 0 / −1e9 for padding). No gradient. */
  mask?: Value;
}

const MASKED_SCORE = -1e9;

/** Boolean [qLen, kvLen], true where key j lies after query i (j > i + kvLen − qLen). */
function causalMask(q: Value, k: Value): Value {
  const g = q.graph;
  const qLen = ops.squeeze(ops.shapeOf(q, 2, 3), [0]);
  const kvLen = ops.squeeze(ops.shapeOf(k, 2, 3), [0]);
  const zero = g.scalar(0, 'int64');
  const one = g.scalar(1, 'int64');
  const rows = ops.add(ops.range(zero, qLen, one, q.shape[2]), ops.sub(kvLen, qLen));
  const cols = ops.range(zero, kvLen, one, k.shape[2]);
  return ops.greater(ops.unsqueeze(cols, [0]), ops.unsqueeze(rows, [1]));
}

/** [batch, heads, len, dim] → [batch, kvHeads, group·len, dim] (free: a group's query heads are adjacent). */
function rowsView(x: Value, kvHeads: number): Value {
  return ops.reshape(x, [x.shape[0], kvHeads, -1, x.shape[3]]);
}

/** Scores [batch, kvHeads, group·qLen, kvLen] ⇄ the grouped view [batch, kvHeads, group, qLen, kvLen] (run-time shapes). */
function scoresViews(q: Value, k: Value, kvHeads: number, group: number) {
  const g = q.graph;
  const grouped = ops.concat([ops.shapeOf(q, 0, 1), g.int64s([kvHeads, group]), ops.shapeOf(q, 2, 3), ops.shapeOf(k, 2, 3)], 0);
  const rows = ops.concat([ops.shapeOf(q, 0, 1), g.int64s([kvHeads, -1]), ops.shapeOf(k, 2, 3)], 0);
  return {
    toGroups: (scores: Value) => ops.reshapeTo(scores, grouped, [q.shape[0], kvHeads, group, q.shape[2], k.shape[2]]),
    toRows: (scores: Value, like: Value) => ops.reshapeTo(scores, rows, like.shape),
  };
}

export function attention(q: Value, k: Value, v: Value, options: AttentionOptions): Value {
  const [qHeads, kvHeads, headDim] = [q.shape[1], k.shape[1], q.shape[3]];
  if (typeof qHeads !== 'number' || typeof kvHeads !== 'number' || typeof headDim !== 'number' || qHeads % kvHeads !== 0) {
    throw new Error(`attention: head counts must be fixed with qHeads a multiple of kvHeads (q ${q}, k ${k})`);
  }
  const group = qHeads / kvHeads;
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  const inputs = [q, k, v, options.mask ?? null];
  const softcap = options.softcap ?? null;
  return q.graph.composite('Attention', inputs, { scale, group, kvHeads, softcap }, () => {
    const qRows = rowsView(q, kvHeads);
    const views = scoresViews(q, k, kvHeads, group);
    const scaled = ops.mul(ops.matmul(qRows, ops.transposeLast(k)), scale);
    // Softcap, mask and softmax see the grouped view, where the masks broadcast over the group.
    let scores = views.toGroups(scaled);
    // The capped tanh is kept for the backward (its derivative 1 − tanh², one more score-sized tensor).
    const capped = softcap === null ? null : ops.tanh(ops.mul(scores, 1 / softcap));
    if (capped) scores = ops.mul(capped, softcap!);
    if (options.mask) scores = ops.add(scores, ops.unsqueeze(options.mask, [2]));
    if (options.causal) scores = ops.where(causalMask(q, k), MASKED_SCORE, scores);
    const probs = views.toRows(ops.softmax(scores, -1), scaled);
    const out = ops.reshapeTo(ops.matmul(probs, v), ops.shapeOf(q), q.shape);
    const saved: Record<string, Value> = { probs, qRows };
    if (capped) saved.capped = views.toRows(capped, scaled);
    return { outputs: [out], saved };
  })[0];
}

export const attentionGradient: GradientRule = (ctx) => {
  const [q, k, v] = ctx.entry.inputs as Value[];
  const { probs, qRows } = ctx.entry.saved;
  const capped = ctx.entry.saved.capped as Value | undefined;
  const { scale, kvHeads } = ctx.entry.params as { scale: number; kvHeads: number };
  const dOut = rowsView(ctx.dy[0]!, kvHeads);
  // The contraction over group·qLen sums the group's contributions to dK and dV.
  const dV = ctx.needs(2) ? ops.matmul(ops.transposeLast(probs), dOut) : null;
  let dQ: Value | null = null;
  let dK: Value | null = null;
  if (ctx.needs(0) || ctx.needs(1)) {
    const dProbs = ops.matmul(dOut, ops.transposeLast(v));
    let dCapped = ops.mul(probs, ops.sub(dProbs, ops.reduceSum(ops.mul(dProbs, probs), [-1], true)));
    if (capped) dCapped = ops.mul(dCapped, ops.sub(1, ops.mul(capped, capped)));
    const dScores = ops.mul(dCapped, scale);
    if (ctx.needs(0)) dQ = ops.reshapeTo(ops.matmul(dScores, k), ops.shapeOf(q), q.shape);
    if (ctx.needs(1)) dK = ops.matmul(ops.transposeLast(dScores), qRows);
  }
  return [dQ, dK, dV, null];
};
