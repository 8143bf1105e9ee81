// GELU with transformers' tanh approximation ('gelu_new', 'gelu_pytorch_tanh' and 'gelu_fast' are this one formula),
// GPT-2's MLP activation and Gemma's gate. One tape entry: the backward recomputes tanh from x instead of keeping it.
// (The exact erf form is not offered: ORT has no float64 Erf kernel for the finite-difference checks.)

import { ops, type Value } from '../../graph';
import type { GradientRule } from '../context';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(x: Value): Value {
  return x.graph.composite('GeluTanh', [x], {}, () => ({ outputs: [ops.mul(ops.mul(x, 0.5), ops.add(innerTanh(x), 1))] }))[0];
}

function innerTanh(x: Value): Value {
  return ops.tanh(ops.mul(ops.add(x, ops.mul(ops.mul(ops.mul(x, x), x), CUBIC)), SQRT_2_OVER_PI));
}

/** d/dx = 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²), with t the tanh above. */
export const geluTanhGradient: GradientRule = (ctx) => {
  const [x] = ctx.entry.inputs as Value[];
  const dy = ctx.dy[0]!;
  const t = innerTanh(x);
  const half = ops.mul(ops.add(t, 1), 0.5);
  const inner = ops.mul(ops.add(ops.mul(ops.mul(x, x), 3 * CUBIC), 1), SQRT_2_OVER_PI);
  const slope = ops.mul(ops.mul(ops.mul(x, 0.5), ops.sub(1, ops.mul(t, t))), inner);
  return [ops.mul(dy, ops.add(half, slope))];
};
