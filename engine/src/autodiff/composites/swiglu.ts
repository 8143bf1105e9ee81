// SwiGLU feed-forward gate: silu(gate) · up. The backward reads the forward's sigmoid and silu (ORT's common
// subexpression elimination kept them alive anyway when the backward recomputed them), which saves one
// gate-sized elementwise pass per layer.

import { ops, type Value } from '../../graph';
import { reduceToShape, type GradientRule } from '../context';

export function swiglu(gate: Value, up: Value): Value {
  return gate.graph.composite('SwiGLU', [gate, up], {}, () => {
    const sigmoid = ops.sigmoid(gate);
    const silu = ops.mul(gate, sigmoid);
    return { outputs: [ops.mul(silu, up)], saved: { sigmoid, silu } };
  })[0];
}

/** d gate = dy·up·(s + silu·(1 − s)) (= dy·up·s·(1 + gate·(1 − s))), d up = dy·silu, with s = sigmoid(gate). */
export const swigluGradient: GradientRule = (ctx) => {
  const [gate, up] = ctx.entry.inputs as Value[];
  const { sigmoid, silu } = ctx.entry.saved;
  const dy = ctx.dy[0]!;
  const dGate = ctx.needs(0) ? reduceToShape(ops.mul(ops.mul(dy, up), ops.add(sigmoid, ops.mul(silu, ops.sub(1, sigmoid)))), gate) : null;
  const dUp = ctx.needs(1) ? reduceToShape(ops.mul(dy, silu), up) : null;
  return [dGate, dUp];
};
