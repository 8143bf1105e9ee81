// Softmax cross-entropy over the last axis with an ignore index, averaged over the counted tokens.
// Returns the mean loss (scalar) and the per-token losses (0 where ignored), both differentiable.
// Stable: LogSoftmax subtracts the row maximum; the backward recomputes softmax from the logits (no V-sized save).

import { ops, type Value } from '../../graph';
import type { GradientRule } from '../context';

export interface CrossEntropyResult {
  loss: Value;
  tokenLosses: Value;
  /** Number of counted (non-ignored) tokens, as a float scalar. */
  count: Value;
}

/** logits [..., vocab], labels [...] int64; labels equal to `ignoreIndex` (default −100) count for nothing. */
export function softmaxCrossEntropy(logits: Value, labels: Value, ignoreIndex = -100): CrossEntropyResult {
  if (labels.dtype !== 'int64' || labels.rank !== logits.rank - 1) throw new Error(`softmaxCrossEntropy: labels ${labels} must be int64 with one axis fewer than ${logits}`);
  const g = logits.graph;
  const [loss, tokenLosses, count] = g.composite('SoftmaxCrossEntropy', [logits, labels], { ignoreIndex }, () => {
    const counted = ops.not(ops.equal(labels, g.scalar(ignoreIndex, 'int64')));
    const safeLabels = ops.unsqueeze(ops.where(counted, labels, g.scalar(0, 'int64')), [-1]);
    const picked = ops.squeeze(ops.gatherElements(ops.logSoftmax(logits, -1), safeLabels, -1), [-1]);
    const perToken = ops.where(counted, ops.neg(picked), 0);
    const total = ops.max(ops.reduceSum(ops.cast(counted, logits.dtype)), 1);
    return { outputs: [ops.div(ops.reduceSum(perToken), total), perToken, total], saved: { counted, safeLabels } };
  });
  return { loss, tokenLosses, count };
}

/** d logits = (softmax − onehot(label)) · w, with w = counted · (d loss / count + d tokenLoss). */
export const crossEntropyGradient: GradientRule = (ctx) => {
  const [logits] = ctx.entry.inputs as Value[];
  const [, tokenLosses, count] = ctx.entry.outputs;
  const { counted, safeLabels } = ctx.entry.saved;
  let weight: Value = ops.zerosLike(tokenLosses);
  if (ctx.dy[0]) weight = ops.add(weight, ops.div(ctx.dy[0], count));
  if (ctx.dy[1]) weight = ops.add(weight, ctx.dy[1]);
  weight = ops.where(counted, weight, 0);
  const probs = ops.softmax(logits, -1);
  const atLabel = ops.sub(ops.gatherElements(probs, safeLabels, -1), 1);
  const dLogits = ops.mul(ops.scatterElements(probs, safeLabels, atLabel, -1), ops.unsqueeze(weight, [-1]));
  return [dLogits, null];
};
