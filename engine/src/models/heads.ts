// What the model returns after the final norm: per-token log-probabilities or transformers' causal-LM loss, both
// through the cross-entropy composite (differentiable, no vocabulary-sized saves). Positions here are real tokens
// only (virtual tokens already dropped).
import { ops, type Value } from '../graph';
import { chunkedCrossEntropy, softmaxCrossEntropy } from '../autodiff/composites';

const END = Number.MAX_SAFE_INTEGER;

/** [batch, 1] filled with `value`, for padding a shifted sequence back to full length. */
function column(like: Value, dtype: 'int64' | 'float32' | 'float64', value: number): Value {
  const shape = ops.concat([ops.shapeOf(like, 0, 1), like.graph.int64s([1])], 0);
  return ops.constantOfShape(shape, [like.shape[0], 1], dtype, value);
}

/** log p(ids[t] | ids[<t]) for t ≥ 1, and 0 at t = 0: [batch, seq]. */
export function tokenLogprobs(logits: Value, inputIds: Value): Value {
  const predictions = ops.slice(logits, [1], [0], [-1]); // positions 0..seq-2 predict 1..seq-1
  const targets = ops.slice(inputIds, [1], [1], [END]);
  const { tokenLosses } = softmaxCrossEntropy(predictions, targets, -1);
  const concatenated = ops.concat([column(inputIds, logits.dtype as 'float32' | 'float64', 0), ops.neg(tokenLosses)], 1);
  return ops.reshapeTo(concatenated, ops.shapeOf(inputIds), inputIds.shape);
}

/** Labels shifted left by one (position t holds labels[t+1]), `ignoreIndex` at the last position: [batch, seq]. */
function shiftedLabels(labels: Value, ignoreIndex: number): Value {
  const concatenated = ops.concat([ops.slice(labels, [1], [1], [END]), column(labels, 'int64', ignoreIndex)], 1);
  return ops.reshapeTo(concatenated, ops.shapeOf(labels), labels.shape); // same size; keeps the 'seq' label
}

/**
 * ForCausalLMLoss: position t predicts labels[t+1]; labels equal to `ignoreIndex` do not count. Returns the per-token
 * losses [batch, seq] (0 at ignored positions and at the last one) and their mean (or sum) over counted tokens.
 */
export function causalLmLoss(logits: Value, labels: Value, reduction: 'mean' | 'sum', ignoreIndex: number): { loss: Value; tokenLosses: Value } {
  const { loss, tokenLosses } = softmaxCrossEntropy(logits, shiftedLabels(labels, ignoreIndex), ignoreIndex);
  return { loss: reduction === 'sum' ? ops.reduceSum(tokenLosses) : loss, tokenLosses };
}

/**
 * The same loss from the final hidden states and the LM head, computed over `chunks` row chunks so the
 * [tokens, vocab] logits never exist whole (autodiff/composites/chunked-cross-entropy.ts). Equal to
 * `causalLmLoss(head(hidden), …)` up to float rounding; `head` must be deterministic (no dropout).
 */
export function chunkedCausalLmLoss(
  hidden: Value,
  head: (rows: Value) => Value,
  labels: Value,
  reduction: 'mean' | 'sum',
  ignoreIndex: number,
  chunks: number,
): { loss: Value; tokenLosses: Value } {
  const features = hidden.shape[2];
  const rows = ops.reshape(hidden, [-1, features]);
  const flatLabels = ops.reshape(shiftedLabels(labels, ignoreIndex), [-1]);
  const result = chunkedCrossEntropy(rows, flatLabels, head, chunks, ignoreIndex);
  const tokenLosses = ops.reshapeTo(result.tokenLosses, ops.shapeOf(labels), labels.shape);
  const loss = reduction === 'sum' ? result.lossSum : ops.div(result.lossSum, ops.max(result.count, 1));
  return { loss, tokenLosses };
}
