// LayerNorm with bias (GPT-2): y = (x − mean(x)) / sqrt(var(x) + eps) · weight + bias over the last axis. The forward
// is ONNX's fused LayerNormalization with float32 statistics; the backward recomputes the statistics from x (two
// reductions) instead of keeping them. Float64 graphs expand it into primitive ops, as rms-norm.ts does.

import { attr, ops, type Value } from '../../graph';
import { onnxDataType } from '../../graph/dtype';
import type { GradientRule } from '../context';

export function layerNorm(x: Value, weight: Value, bias: Value, eps: number): Value {
  const g = x.graph;
  return g.composite('LayerNorm', [x, weight, bias], { eps }, () => {
    if (x.dtype === 'float64') return { outputs: [ops.add(ops.mul(statistics(x, eps).normalized, weight), bias)] };
    const [y] = g.node('LayerNormalization', [x, weight, bias], [{ dtype: x.dtype, shape: x.shape }], {
      axis: attr.int(-1),
      epsilon: attr.float(eps),
      stash_type: attr.int(onnxDataType.float32),
    });
    return { outputs: [y] };
  })[0];
}

/** x̂ = (x − mean) / σ and σ = sqrt(var + eps) over the last axis, in x's type (the graphs compute in float32/64). */
function statistics(x: Value, eps: number): { normalized: Value; deviation: Value } {
  const centered = ops.sub(x, ops.reduceMean(x, [-1], true));
  const deviation = ops.sqrt(ops.add(ops.reduceMean(ops.mul(centered, centered), [-1], true), eps));
  return { normalized: ops.div(centered, deviation), deviation };
}

/**
 * dx = (g − mean(g) − x̂·mean(g·x̂)) / σ with g = dy·w; dw = Σ dy·x̂ and db = Σ dy over the leading axes.
 */
export const layerNormGradient: GradientRule = (ctx) => {
  const [x, weight] = ctx.entry.inputs as Value[];
  const { eps } = ctx.entry.params as { eps: number };
  const dy = ctx.dy[0]!;
  const { normalized, deviation } = statistics(x, eps);
  let dx: Value | null = null;
  if (ctx.needs(0)) {
    const dyw = ops.mul(dy, weight);
    const mean = ops.reduceMean(dyw, [-1], true);
    const projection = ops.reduceMean(ops.mul(dyw, normalized), [-1], true);
    dx = ops.div(ops.sub(ops.sub(dyw, mean), ops.mul(normalized, projection)), deviation);
  }
  const leading = x.shape.slice(0, -1).map((_, i) => i);
  const dw = ctx.needs(1) ? ops.reduceSum(ops.mul(dy, normalized), leading, false) : null;
  const db = ctx.needs(2) ? ops.reduceSum(dy, leading, false) : null;
  return [dx, dw, db];
};
