// Activation recomputation (gradient checkpointing, Chen et al. 2016; PyTorch's torch.utils.checkpoint): the forward
// of `body` runs as one tape entry that keeps only its inputs alive; the backward emits `body` again on the same
// inputs and differentiates that copy. Memory per segment drops to its inputs; compute grows by one forward.
//
// Two things a static ONNX graph needs that eager PyTorch does not:
// - ORT's CommonSubexpressionElimination would merge the recomputed nodes back into the forward ones (same op, same
//   inputs), undoing the saving. The recomputation therefore starts from `tie(input, anchor)` = input + Σ 0·anchor,
//   a value no forward node has, computed from a gradient of the backward.
// - ORT schedules any node whose inputs are ready, so a recomputation without a data dependency on the backward could
//   run early, with the forward. The same tie makes it wait for the gradient that flows into the segment.
import { ops, type TapeEntry, type Value } from '../../graph';
import type { GradientContext, GradientRule } from '../context';
import { isFloat } from '../../graph';

export type CheckpointBody = (inputs: readonly Value[]) => Value[];

interface CheckpointParams {
  body: CheckpointBody;
  /** How many of the entry's inputs are the body's explicit inputs; the rest are values the body captured. */
  explicit: number;
}

/**
 * Runs `body(inputs)` as a checkpointed segment. Values the body reads that were made outside it (weights, trainable
 * inputs, masks) become inputs of the tape entry too, so their gradients flow. The body must be deterministic
 * (no random ops): its recomputation has to reproduce the forward exactly.
 */
export function checkpoint(inputs: readonly Value[], body: CheckpointBody): Value[] {
  const graph = inputs[0].graph;
  const firstNode = graph.nodes.length;
  let captured: Value[] = [];
  const outputs = graph.composite('Checkpoint', [], {}, () => {
    const result = body(inputs);
    captured = capturedValues(graph.nodes.slice(firstNode), inputs);
    return { outputs: result };
  });
  // composite() pushed the entry with placeholder inputs; give it the explicit and captured ones and the body.
  const entry = graph.tape[graph.tape.length - 1];
  entry.inputs.push(...inputs, ...captured);
  const params: CheckpointParams = { body, explicit: inputs.length };
  Object.assign(entry.params, params);
  return outputs;
}

/** Values the nodes read that none of them produces and that are not `explicit` inputs. */
export function capturedValues(nodes: readonly { inputs: (Value | null)[]; outputs: Value[] }[], explicit: readonly Value[]): Value[] {
  const produced = new Set<Value>(nodes.flatMap((node) => node.outputs));
  const skip = new Set<Value>(explicit);
  const captured = new Set<Value>();
  for (const node of nodes) for (const input of node.inputs) if (input && !produced.has(input) && !skip.has(input)) captured.add(input);
  return [...captured];
}

/** `x + Σ(0·anchor)`: equal to x (anchor finite), but a new value that waits for `anchor` (see the header). */
export function tie(x: Value, anchor: Value): Value {
  if (!isFloat(x.dtype) || x.rank === 0) return x;
  // A sum rather than one element: the anchor may be empty (an empty chunk), and the sum of zeros is exact.
  const zero = ops.reduceSum(ops.mul(anchor, 0));
  return ops.add(x, anchor.dtype === x.dtype ? zero : ops.cast(zero, x.dtype));
}

/**
 * Recomputes `body` on `inputs` tied to `anchor`, then backpropagates `dy` through the copy to the inputs and to
 * the captured values in `wrt`. Returns [gradients of inputs…, gradients of wrt…] (null where none) and the
 * recomputed outputs. Shared by the checkpoint rule and the chunked LM-head loss.
 */
export function recomputeGradients(
  ctx: Pick<GradientContext, 'graph' | 'backpropagate'>,
  body: CheckpointBody,
  inputs: readonly Value[],
  dy: readonly (Value | null)[],
  wrt: readonly Value[],
  anchor: Value,
): { inputGrads: (Value | null)[]; wrtGrads: (Value | null)[] } {
  const graph = ctx.graph;
  const tied = inputs.map((input) => tie(input, anchor));
  const start = graph.tape.length;
  const outputs = body(tied);
  const segment: TapeEntry[] = graph.tape.slice(start);
  const floatTied = tied.filter((value) => isFloat(value.dtype));
  const grads = ctx.backpropagate(segment, outputs.map((value, index) => ({ value, grad: dy[index] ?? null })), [...floatTied, ...wrt]);
  const byTied = new Map(floatTied.map((value, index) => [value, grads[index]]));
  return { inputGrads: tied.map((value) => byTied.get(value) ?? null), wrtGrads: grads.slice(floatTied.length) };
}

export const checkpointGradient: GradientRule = (ctx) => {
  const { body, explicit } = ctx.entry.params as unknown as CheckpointParams;
  const entryInputs = ctx.entry.inputs as Value[];
  const inputs = entryInputs.slice(0, explicit);
  const capturedIndex = entryInputs.map((_, index) => index).filter((index) => index >= explicit && ctx.needs(index));
  const anchor = ctx.dy.find((d): d is Value => d !== null)!;
  const { inputGrads, wrtGrads } = recomputeGradients(ctx, body, inputs, ctx.dy, capturedIndex.map((index) => entryInputs[index]), anchor);
  const result: (Value | null)[] = entryInputs.map((_, index) => (index < explicit && ctx.needs(index) ? inputGrads[index] : null));
  capturedIndex.forEach((index, position) => (result[index] = wrtGrads[position]));
  return result;
};
