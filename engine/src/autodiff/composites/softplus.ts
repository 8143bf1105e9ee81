// softplus(x) = log(1 + eˣ), the DPO loss's −log σ(z) = softplus(−z). Built from elementary ops in its stable form
// (no overflow for large |x|); a composite because the elementary form's gradient is wrong at x = 0, where Relu and
// Abs have kinks — exactly where DPO starts (policy = reference, so z = 0 on every pair at step 1).

import { ops, type Value } from '../../graph';
import type { GradientRule } from '../context';

/** max(x, 0) + log(1 + e^(−|x|)). */
export function softplus(x: Value): Value {
  return x.graph.composite('Softplus', [x], {}, () => ({ outputs: [ops.add(ops.relu(x), ops.log(ops.add(ops.exp(ops.neg(ops.abs(x))), 1)))] }))[0];
}

/** d/dx softplus(x) = σ(x). */
export const softplusGradient: GradientRule = (ctx) => {
  const [x] = ctx.entry.inputs as Value[];
  return [ops.mul(ctx.dy[0]!, ops.sigmoid(x))];
};
