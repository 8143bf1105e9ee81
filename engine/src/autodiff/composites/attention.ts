// Scaled dot-product attention with grouped-query heads, an optional causal mask and an optional additive mask.
// q [batch, qHeads, qLen, headDim], k/v [batch, kvHeads, kvLen, headDim]; query heads are viewed as
// [kvHeads, group] so keys and values broadcast over the group instead of being repeated.
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

function groupView(x: Value, kvHeads: number, group: number): Value {
  return ops.reshape(x, [x.shape[0], kvHeads, group, x.shape[2], x.shape[3]]);
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
    const q5 = groupView(q, kvHeads, group);
    const k5 = ops.unsqueeze(k, [2]);
    const v5 = ops.unsqueeze(v, [2]);
    let scores = ops.mul(ops.matmul(q5, ops.transposeLast(k5)), scale);
    // The capped tanh is kept for the backward (its derivative 1 − tanh², one more score-sized tensor).
    const capped = softcap === null ? null : ops.tanh(ops.mul(scores, 1 / softcap));
    if (capped) scores = ops.mul(capped, softcap!);
    if (options.mask) scores = ops.add(scores, ops.unsqueeze(options.mask, [2]));
    if (options.causal) scores = ops.where(causalMask(q, k), MASKED_SCORE, scores);
    const probs = ops.softmax(scores, -1);
    const out = ops.reshapeTo(ops.matmul(probs, v5), ops.shapeOf(q), q.shape);
    const saved: Record<string, Value> = { probs, q5, k5, v5 };
    if (capped) saved.capped = capped;
    return { outputs: [out], saved };
  })[0];
}

/** Sums the group axis of a [batch, kvHeads, group, len, dim] gradient back to [batch, kvHeads, len, dim]. */
function sumGroups(x: Value, group: number): Value {
  return group === 1 ? ops.squeeze(x, [2]) : ops.reduceSum(x, [2], false);
}

export const attentionGradient: GradientRule = (ctx) => {
  const [q] = ctx.entry.inputs as Value[];
  const { probs, q5, k5, v5 } = ctx.entry.saved;
  const capped = ctx.entry.saved.capped as Value | undefined;
  const { scale, group, kvHeads } = ctx.entry.params as { scale: number; group: number; kvHeads: number };
  const dOut5 = groupView(ctx.dy[0]!, kvHeads, group);
  const dV = ctx.needs(2) ? sumGroups(ops.matmul(ops.transposeLast(probs), dOut5), group) : null;
  let dQ: Value | null = null;
  let dK: Value | null = null;
  if (ctx.needs(0) || ctx.needs(1)) {
    const dProbs = ops.matmul(dOut5, ops.transposeLast(v5));
    let dCapped = ops.mul(probs, ops.sub(dProbs, ops.reduceSum(ops.mul(dProbs, probs), [-1], true)));
    if (capped) dCapped = ops.mul(dCapped, ops.sub(1, ops.mul(capped, capped)));
    const dScores = ops.mul(dCapped, scale);
    if (ctx.needs(0)) dQ = ops.reshapeTo(ops.matmul(dScores, k5), ops.shapeOf(q), q.shape);
    if (ctx.needs(1)) dK = sumGroups(ops.matmul(ops.transposeLast(dScores), q5), group);
  }
  return [dQ, dK, dV, null];
};
