// The LM head and its cross-entropy over row chunks, so the [tokens, vocab] logits never exist whole (Liger
// Kernel's fused linear cross-entropy, Apple's Cut Cross-Entropy): the forward computes each chunk's logits, loss
// and per-token losses and lets the logits go; the backward recomputes one chunk's logits at a time from the hidden
// rows (checkpoint.ts), takes its gradient, and only then starts the next chunk (each chunk's recomputation is tied
// to the previous chunk's gradient, so ORT cannot run them side by side). Peak: one chunk's logits and their
// gradient instead of several full-vocabulary copies; extra work: one more LM-head product per chunk.
import { ops, type Graph, type Value } from '../../graph';
import type { GradientRule } from '../context';
import { capturedValues, recomputeGradients, type CheckpointBody } from './checkpoint';
import { softmaxCrossEntropy } from './cross-entropy';

interface ChunkedParams {
  chunks: number;
  body: CheckpointBody;
  ignoreIndex: number;
}

/** Rows [k·C, (k+1)·C) of a [rows, …] value with C = ceil(rows / chunks), computed at run time (rows is symbolic). */
function chunkRows(x: Value, chunk: number, chunks: number): Value {
  const g = x.graph;
  const rows = ops.shapeOf(x, 0, 1);
  const size = ops.div(ops.add(rows, g.int64s([chunks - 1])), g.int64s([chunks]));
  const start = ops.mul(size, g.int64s([chunk]));
  const end = ops.add(start, size);
  // One label per chunk index, whatever x's rows are called: hidden, labels and gradients of a chunk broadcast.
  const shape = [`row_chunk${chunk}`, ...x.shape.slice(1)];
  return g.node('Slice', [x, start, end, g.int64s([0])], [{ dtype: x.dtype, shape }])[0];
}

export interface ChunkedCrossEntropyResult {
  /** Per-row losses [rows] (0 where ignored). */
  tokenLosses: Value;
  /** Sum of the per-row losses, and the number of counted rows (float). */
  lossSum: Value;
  count: Value;
}

/**
 * Cross-entropy of `head(hidden)` against `labels` without materialising all logits: hidden [rows, features],
 * labels [rows] int64 (`ignoreIndex` counts for nothing), `head` maps [r, features] to [r, vocab] logits. Values
 * `head` reads (the LM-head weight, LoRA tensors) get their gradients too. `head` must be deterministic.
 */
export function chunkedCrossEntropy(hidden: Value, labels: Value, head: (rows: Value) => Value, chunks: number, ignoreIndex = -100): ChunkedCrossEntropyResult {
  if (hidden.rank !== 2 || labels.rank !== 1 || labels.dtype !== 'int64') throw new Error(`chunkedCrossEntropy: hidden ${hidden} must be [rows, features] and labels ${labels} int64 [rows]`);
  const graph: Graph = hidden.graph;
  const body: CheckpointBody = ([rows, rowLabels]) => {
    const { tokenLosses } = softmaxCrossEntropy(head(rows), rowLabels, ignoreIndex);
    // Counted here, unclamped: softmaxCrossEntropy's count is at least 1, which an empty chunk must not add.
    const counted = ops.cast(ops.not(ops.equal(rowLabels, graph.scalar(ignoreIndex, 'int64'))), tokenLosses.dtype);
    return [tokenLosses, ops.reduceSum(tokenLosses), ops.reduceSum(counted)];
  };
  const firstNode = graph.nodes.length;
  const [tokenLosses, lossSum, count] = graph.composite('ChunkedCrossEntropy', [hidden, labels], {}, () => {
    const parts = Array.from({ length: chunks }, (_, chunk) => body([chunkRows(hidden, chunk, chunks), chunkRows(labels, chunk, chunks)]));
    const sum = (values: Value[]) => (values.length === 1 ? values[0] : graph.node('Sum', values, [{ dtype: values[0].dtype, shape: [] }])[0]);
    const all = parts.length === 1 ? parts[0][0] : ops.concat(parts.map((part) => part[0]), 0);
    return { outputs: [ops.reshapeTo(all, ops.shapeOf(labels), labels.shape), sum(parts.map((part) => part[1])), sum(parts.map((part) => part[2]))] };
  });
  const entry = graph.tape[graph.tape.length - 1];
  entry.inputs.push(...capturedValues(graph.nodes.slice(firstNode), [hidden, labels]));
  const params: ChunkedParams = { chunks, body, ignoreIndex };
  Object.assign(entry.params, params);
  return { tokenLosses, lossSum, count };
}

/** Chunk by chunk: recompute the logits from the hidden rows, backpropagate, then move to the next chunk. */
export const chunkedCrossEntropyGradient: GradientRule = (ctx) => {
  const { chunks, body } = ctx.entry.params as unknown as ChunkedParams;
  const inputs = ctx.entry.inputs as Value[];
  const [hidden, labels] = inputs;
  const [dTokenLosses, dLossSum] = ctx.dy;
  const capturedIndex = inputs.map((_, index) => index).filter((index) => index >= 2 && ctx.needs(index));
  const wrt = capturedIndex.map((index) => inputs[index]);
  let anchor = (dLossSum ?? dTokenLosses)!;
  const hiddenGrads: Value[] = [];
  const wrtSums: (Value | null)[] = wrt.map(() => null);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const dy = [dTokenLosses ? chunkRows(dTokenLosses, chunk, chunks) : null, dLossSum ?? null, null];
    const rows = [chunkRows(hidden, chunk, chunks), chunkRows(labels, chunk, chunks)];
    const { inputGrads, wrtGrads } = recomputeGradients(ctx, body, rows, dy, wrt, anchor);
    const dRows = inputGrads[0] ?? ops.zerosLike(rows[0]);
    hiddenGrads.push(dRows);
    // Running sums, not one Sum at the end: a K-input Sum would keep K weight-sized gradients alive at once.
    wrtGrads.forEach((grad, index) => {
      if (grad) wrtSums[index] = wrtSums[index] ? ops.add(wrtSums[index]!, grad) : grad;
    });
    anchor = dRows;
  }
  const dHidden = ctx.needs(0) ? (hiddenGrads.length === 1 ? hiddenGrads[0] : ops.concat(hiddenGrads, 0)) : null;
  const result: (Value | null)[] = inputs.map(() => null);
  result[0] = dHidden ? ops.reshapeTo(dHidden, ops.shapeOf(hidden), hidden.shape) : null;
  capturedIndex.forEach((index, position) => (result[index] = wrtSums[position]));
  return result;
};
