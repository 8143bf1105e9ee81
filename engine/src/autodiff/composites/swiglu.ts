// SwiGLU feed-forward gate: silu(gate) · up. The backward recomputes sigmoid(gate) rather than keeping it alive.

import { ops, type Value } from '../../graph';
import { reduceToShape, type GradientRule } from '../context';

export function swiglu(gate: Value, up: Value): Value {
  return gate.graph.composite('SwiGLU', [gate, up], {}, () => ({ outputs: [ops.mul(ops.mul(gate, ops.sigmoid(gate)), up)] }))[0];
}

/** d gate = dy·up·s·(1 + gate·(1 − s)), d up = dy·gate·s, with s = sigmoid(gate). */
export const swigluGradient: GradientRule = (ctx) => {
  const [gate, up] = ctx.entry.inputs as Value[];
  const dy = ctx.dy[0]!;
  const s = ops.sigmoid(gate);
  const dGate = ctx.needs(0) ? reduceToShape(ops.mul(ops.mul(ops.mul(dy, up), s), ops.add(ops.mul(gate, ops.sub(1, s)), 1)), gate) : null;
  const dUp = ctx.needs(1) ? reduceToShape(ops.mul(dy, ops.mul(gate, s)), up) : null;
  return [dGate, dUp];
};
