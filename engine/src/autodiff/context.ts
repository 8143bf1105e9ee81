// What a gradient rule sees, and the helpers rules share — including the one place broadcast gradients are reduced.

import { attr, ops, type Graph, type TapeEntry, type Value } from '../graph';
import { broadcastAxes, isStatic } from '../graph/shape';

export interface GradientContext {
  graph: Graph;
  entry: TapeEntry;
  /** Gradient of the loss with respect to each output; missing ones are zeros (built lazily by `dyOrZero`). */
  dy: (Value | null)[];
  /** Whether input i needs a gradient (float, and on a path from a requested value); rules skip work otherwise. */
  needs(i: number): boolean;
  /**
   * The backward pass over a tape segment (autodiff/gradients.ts `backpropagate`), handed to rules rather than
   * imported so that composites which recompute their forward (checkpointing) need no import cycle with the table.
   */
  backpropagate(tape: readonly TapeEntry[], seeds: readonly { value: Value; grad: Value | null }[], wrt: readonly Value[]): (Value | null)[];
}

/** Returns one gradient per input; null/undefined for inputs that get none. */
export type GradientRule = (ctx: GradientContext) => (Value | null | undefined)[];

/** The explicit marker for ops whose outputs carry no gradient (shapes, comparisons, index arithmetic). */
export const NO_GRADIENT = 'no-gradient' as const;

export function dyOrZero(ctx: GradientContext, output: number): Value {
  return ctx.dy[output] ?? ops.zerosLike(ctx.entry.outputs[output]);
}

/**
 * Sums a gradient over the axes along which `target` was broadcast to produce it, then drops the leading axes
 * numpy broadcasting added, so the result has `target`'s shape. The single place broadcasting is undone.
 */
export function reduceToShape(grad: Value, target: Value): Value {
  const axes = broadcastAxes(target.shape, grad.shape);
  if (axes.length === 0) return grad;
  const pad = grad.rank - target.rank;
  let reduced = ops.reduceSum(grad, axes, true);
  if (pad > 0) reduced = ops.squeeze(reduced, Array.from({ length: pad }, (_, i) => i));
  return reduced;
}

/** Number of elements of x along `axes` as a scalar of x's float type (static when the sizes are). */
export function countAlong(x: Value, axes: readonly number[], dtype = x.dtype): Value {
  const sizes = axes.map((a) => x.shape[a < 0 ? a + x.rank : a]);
  if (isStatic(sizes)) return x.graph.scalar((sizes as number[]).reduce((p, q) => p * q, 1), dtype);
  const g = x.graph;
  const picked = ops.gather(ops.shapeOf(x), g.int64s(axes.map((a) => (a < 0 ? a + x.rank : a))), 0);
  const product = g.node('ReduceProd', [picked, g.int64s([0])], [{ dtype: 'int64', shape: [] }], { keepdims: attr.int(0) })[0];
  return ops.cast(product, dtype);
}

/** Restores reduced axes (keepdims = 0) as size-1 axes, then broadcasts to x's run-time shape. */
export function expandReduced(dy: Value, x: Value, axes: readonly number[], keptDims: boolean): Value {
  const normalized = axes.map((a) => (a < 0 ? a + x.rank : a));
  const kept = keptDims ? dy : ops.unsqueeze(dy, normalized);
  return ops.expand(kept, ops.shapeOf(x), x.shape);
}
