// RMSNorm (Llama): y = x / sqrt(mean(x², last axis) + eps) · weight. The forward is ORT's fused
// SimplifiedLayerNormalization; the backward recomputes 1/rms from x (one reduction) rather than reading the fused
// op's second output, which ORT's WebGPU kernel fills with mean(x) instead of 1/rms (onnxruntime 1.30).
// Float64 graphs expand it into primitive ops (no float64-statistics kernel).

import { attr, ops, type Value } from '../../graph';
import { onnxDataType } from '../../graph/dtype';
import type { GradientRule } from '../context';

export function rmsNorm(x: Value, weight: Value, eps: number): Value {
  const g = x.graph;
  return g.composite('RMSNorm', [x, weight], { eps }, () => {
    if (x.dtype === 'float64') {
      // ORT has no float64-statistics kernel for the fused op; float64 (gradient-check) graphs expand it.
      const invRms = ops.reciprocal(ops.sqrt(ops.add(ops.reduceMean(ops.mul(x, x), [-1], true), eps)));
      return { outputs: [ops.mul(ops.mul(x, invRms), weight)], saved: { invRms } };
    }
    // Statistics stay in float32 whatever the input type, as transformers computes RMSNorm.
    const [y] = g.node('SimplifiedLayerNormalization', [x, weight], [{ dtype: x.dtype, shape: x.shape }], {
      axis: attr.int(-1),
      epsilon: attr.float(eps),
      stash_type: attr.int(onnxDataType.float32),
    });
    return { outputs: [y] };
  })[0];
}

/** 1/rms in float32 (the fused op's stash type), in x's type; Σx² in one ReduceSumSquare pass over x. */
function inverseRms(x: Value, eps: number): Value {
  const x32 = x.dtype === 'float32' ? x : ops.cast(x, 'float32');
  const width = x.shape[x.rank - 1];
  if (typeof width !== 'number') throw new Error(`rmsNorm: the normalised axis of ${x} must have a fixed size`);
  const r = ops.reciprocal(ops.sqrt(ops.add(ops.mul(ops.reduceSumSquare(x32, [-1], true), 1 / width), eps)));
  return r.dtype === x.dtype ? r : ops.cast(r, x.dtype);
}

/**
 * dx = r·(dy·w − x̂·mean(dy·w·x̂)) = r·dy·w − x·(r³·mean(dy·w·x)), dw = Σ dy·x̂ over the leading axes, with x̂ = x·r and
 * r = 1/rms. The second form folds r into per-row scalars: two fewer passes over x-sized tensors than the first.
 */
export const rmsNormGradient: GradientRule = (ctx) => {
  const [x, weight] = ctx.entry.inputs as Value[];
  const { eps } = ctx.entry.params as { eps: number };
  const r = (ctx.entry.saved.invRms as Value | undefined) ?? inverseRms(x, eps);
  const dy = ctx.dy[0]!;
  let dx: Value | null = null;
  if (ctx.needs(0)) {
    const dyw = ops.mul(dy, weight);
    const perRow = ops.mul(ops.mul(ops.mul(r, r), r), ops.reduceMean(ops.mul(dyw, x), [-1], true));
    dx = ops.sub(ops.mul(dyw, r), ops.mul(x, perRow));
  }
  const leading = x.shape.slice(0, -1).map((_, i) => i);
  const dw = ctx.needs(1) ? ops.reduceSum(ops.mul(dy, ops.mul(x, r)), leading, false) : null;
  return [dx, dw];
};
