// Gradient rules of matmul, softmax and reductions.

import { ops, type Value } from '../../graph';
import { countAlong, expandReduced, reduceToShape, type GradientContext, type GradientRule } from '../context';

const dy = (ctx: GradientContext) => ctx.dy[0]!;

export const matmul: GradientRule = (ctx) => {
  const [a, b] = ctx.entry.inputs as Value[];
  const g = dy(ctx);
  const da = ctx.needs(0) ? reduceToShape(ops.matmul(g, ops.transposeLast(b)), a) : null;
  let db: Value | null = null;
  if (ctx.needs(1)) {
    if (b.rank === 2 && a.rank > 2) {
      // A weight shared across the batch: fold the batch into the row axis instead of summing a [batch, k, n] product.
      const k = a.shape[a.rank - 1];
      const n = g.shape[g.rank - 1];
      const rows = ops.reshape(a, [-1, k]);
      const grads = ops.reshape(g, [-1, n]);
      // A narrow product (LoRA's A: n = rank) is computed the wide way round, (gᵀ·a)ᵀ: a GEMM with 8 output columns
      // and the activations to transpose ran at a fifth of the speed, and the final transpose cancels against the
      // Transpose(weight) of a projection.
      db = typeof n === 'number' && typeof k === 'number' && n < k ? ops.transposeLast(ops.matmul(ops.transposeLast(grads), rows)) : ops.matmul(ops.transposeLast(rows), grads);
    } else {
      db = reduceToShape(ops.matmul(ops.transposeLast(a), g), b);
    }
  }
  return [da, db];
};

function axisOf(ctx: GradientContext): number {
  return Number(ctx.entry.attributes.axis?.value ?? -1);
}

export const softmax: GradientRule = (ctx) => {
  const y = ctx.entry.outputs[0];
  const axis = axisOf(ctx);
  const g = dy(ctx);
  return [ops.mul(y, ops.sub(g, ops.reduceSum(ops.mul(g, y), [axis], true)))];
};

export const logSoftmax: GradientRule = (ctx) => {
  const y = ctx.entry.outputs[0];
  const axis = axisOf(ctx);
  const g = dy(ctx);
  return [ops.sub(g, ops.mul(ops.exp(y), ops.reduceSum(g, [axis], true)))];
};

/** Reduction axes and keepdims of a Reduce* entry (axes come as a constant int64 input). */
function reduction(ctx: GradientContext): { x: Value; axes: number[]; keepDims: boolean } {
  const x = ctx.entry.inputs[0]!;
  const axesValue = ctx.entry.inputs[1];
  const init = axesValue ? x.graph.initializers.find((i) => i.value === axesValue) : undefined;
  if (axesValue && !init) throw new Error(`gradient of ${ctx.entry.opType}: reduction axes ${axesValue.name} must be a constant`);
  const axes = init ? Array.from(new BigInt64Array(init.bytes.slice().buffer), Number) : x.shape.map((_, i) => i);
  return { x, axes, keepDims: Number(ctx.entry.attributes.keepdims?.value ?? 1) === 1 };
}

export const reduceSum: GradientRule = (ctx) => {
  const { x, axes, keepDims } = reduction(ctx);
  return [expandReduced(dy(ctx), x, axes, keepDims)];
};

export const reduceMean: GradientRule = (ctx) => {
  const { x, axes, keepDims } = reduction(ctx);
  return [ops.div(expandReduced(dy(ctx), x, axes, keepDims), countAlong(x, axes))];
};

export const reduceSumSquare: GradientRule = (ctx) => {
  const { x, axes, keepDims } = reduction(ctx);
  return [ops.mul(ops.mul(expandReduced(dy(ctx), x, axes, keepDims), x), 2)];
};

/** Max/Min reductions: the gradient is shared equally among the elements that attain the extremum. */
export const reduceExtremum: GradientRule = (ctx) => {
  const { x, axes, keepDims } = reduction(ctx);
  const y = expandReduced(ctx.entry.outputs[0], x, axes, keepDims);
  const hits = ops.cast(ops.equal(x, y), x.dtype);
  const share = ops.div(hits, ops.reduceSum(hits, axes, true));
  return [ops.mul(share, expandReduced(dy(ctx), x, axes, keepDims))];
};
