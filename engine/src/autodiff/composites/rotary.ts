// Rotary position embedding, rotate-half form (transformers' apply_rotary_pos_emb):
// y = x·cos + rotate_half(x)·sin with rotate_half([x1, x2]) = [−x2, x1] over the last axis.

import { ops, type Value } from '../../graph';
import { reduceToShape, type GradientRule } from '../context';

function halves(x: Value): [Value, Value] {
  const d = x.shape[x.rank - 1];
  if (typeof d !== 'number' || d % 2 !== 0) throw new Error(`rotary: the last axis of ${x} must be a fixed even size`);
  return [ops.slice(x, [-1], [0], [d / 2]), ops.slice(x, [-1], [d / 2], [d])];
}

export function rotateHalf(x: Value): Value {
  const [first, second] = halves(x);
  return ops.concat([ops.neg(second), first], -1);
}

/** The transpose of rotateHalf: [g1, g2] ↦ [g2, −g1]. */
function rotateHalfTransposed(x: Value): Value {
  const [first, second] = halves(x);
  return ops.concat([second, ops.neg(first)], -1);
}

/** x [..., seq, headDim]; cos and sin broadcast to x (e.g. [batch, 1, seq, headDim]). */
export function rotary(x: Value, cos: Value, sin: Value): Value {
  return x.graph.composite('Rotary', [x, cos, sin], {}, () => ({ outputs: [ops.add(ops.mul(x, cos), ops.mul(rotateHalf(x), sin))] }))[0];
}

/** cos/sin usually come from positions (no gradient needed); their rules only run when something asks. */
export const rotaryGradient: GradientRule = (ctx) => {
  const [x, cos, sin] = ctx.entry.inputs as Value[];
  const dy = ctx.dy[0]!;
  const dx = ctx.needs(0) ? reduceToShape(ops.add(ops.mul(dy, cos), rotateHalfTransposed(ops.mul(dy, sin))), x) : null;
  const dCos = ctx.needs(1) ? reduceToShape(ops.mul(dy, x), cos) : null;
  const dSin = ctx.needs(2) ? reduceToShape(ops.mul(dy, rotateHalf(x)), sin) : null;
  return [dx, dCos, dSin];
};
