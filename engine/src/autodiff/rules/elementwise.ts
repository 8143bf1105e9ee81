// Gradient rules of elementwise ops. Broadcast operands are reduced back with reduceToShape (context.ts).

import { ops, type Value } from '../../graph';
import { reduceToShape, type GradientContext, type GradientRule } from '../context';

const inputs = (ctx: GradientContext) => ctx.entry.inputs as Value[];
const output = (ctx: GradientContext) => ctx.entry.outputs[0];
const dy = (ctx: GradientContext) => ctx.dy[0]!;

/** Rules for single-input ops whose gradient is dy · f'(x, y). */
function unaryRule(derivativeTimes: (g: Value, x: Value, y: Value) => Value): GradientRule {
  return (ctx) => [derivativeTimes(dy(ctx), inputs(ctx)[0], output(ctx))];
}

export const add: GradientRule = (ctx) => {
  const [a, b] = inputs(ctx);
  return [ctx.needs(0) ? reduceToShape(dy(ctx), a) : null, ctx.needs(1) ? reduceToShape(dy(ctx), b) : null];
};

export const sub: GradientRule = (ctx) => {
  const [a, b] = inputs(ctx);
  return [ctx.needs(0) ? reduceToShape(dy(ctx), a) : null, ctx.needs(1) ? reduceToShape(ops.neg(dy(ctx)), b) : null];
};

export const mul: GradientRule = (ctx) => {
  const [a, b] = inputs(ctx);
  return [ctx.needs(0) ? reduceToShape(ops.mul(dy(ctx), b), a) : null, ctx.needs(1) ? reduceToShape(ops.mul(dy(ctx), a), b) : null];
};

export const div: GradientRule = (ctx) => {
  const [a, b] = inputs(ctx);
  const da = ctx.needs(0) ? reduceToShape(ops.div(dy(ctx), b), a) : null;
  const db = ctx.needs(1) ? reduceToShape(ops.neg(ops.div(ops.mul(dy(ctx), output(ctx)), b)), b) : null;
  return [da, db];
};

export const pow: GradientRule = (ctx) => {
  const [a, b] = inputs(ctx);
  const da = ctx.needs(0) ? reduceToShape(ops.mul(ops.mul(dy(ctx), b), ops.pow(a, ops.sub(b, 1))), a) : null;
  const db = ctx.needs(1) ? reduceToShape(ops.mul(ops.mul(dy(ctx), output(ctx)), ops.log(a)), b) : null;
  return [da, db];
};

/** Max/Min: the gradient goes to the operand that was selected (the first one on ties). */
function selectRule(firstWins: (a: Value, b: Value) => Value): GradientRule {
  return (ctx) => {
    const [a, b] = inputs(ctx);
    const takeA = firstWins(a, b);
    const da = ctx.needs(0) ? reduceToShape(ops.where(takeA, dy(ctx), 0), a) : null;
    const db = ctx.needs(1) ? reduceToShape(ops.where(takeA, 0, dy(ctx)), b) : null;
    return [da, db];
  };
}
export const max = selectRule((a, b) => ops.greaterOrEqual(a, b));
export const min = selectRule((a, b) => ops.lessOrEqual(a, b));

export const neg = unaryRule((g) => ops.neg(g));
export const identity = unaryRule((g) => g);
export const exp = unaryRule((g, _x, y) => ops.mul(g, y));
export const log = unaryRule((g, x) => ops.div(g, x));
export const sqrt = unaryRule((g, _x, y) => ops.div(ops.mul(g, 0.5), y));
export const reciprocal = unaryRule((g, _x, y) => ops.neg(ops.mul(g, ops.mul(y, y))));
export const sigmoid = unaryRule((g, _x, y) => ops.mul(g, ops.mul(y, ops.sub(1, y))));
export const tanh = unaryRule((g, _x, y) => ops.mul(g, ops.sub(1, ops.mul(y, y))));
export const sin = unaryRule((g, x) => ops.mul(g, ops.cos(x)));
export const cos = unaryRule((g, x) => ops.neg(ops.mul(g, ops.sin(x))));
export const relu = unaryRule((g, x) => ops.where(ops.greater(x, 0), g, 0));
export const abs = unaryRule((g, x) => ops.where(ops.less(x, 0), ops.neg(g), g));
export const erf = unaryRule((g, x) => ops.mul(g, ops.mul(ops.exp(ops.neg(ops.mul(x, x))), 2 / Math.sqrt(Math.PI))));

export const where: GradientRule = (ctx) => {
  const [condition, whenTrue, whenFalse] = inputs(ctx);
  return [
    null,
    ctx.needs(1) ? reduceToShape(ops.where(condition, dy(ctx), 0), whenTrue) : null,
    ctx.needs(2) ? reduceToShape(ops.where(condition, 0, dy(ctx)), whenFalse) : null,
  ];
};

export const cast: GradientRule = (ctx) => [ctx.needs(0) ? ops.cast(dy(ctx), inputs(ctx)[0].dtype) : null];

/** Clip passes the gradient where x lies inside the bounds (bounds are constants: no gradient). */
export const clip: GradientRule = (ctx) => {
  const [x, lower, upper] = ctx.entry.inputs;
  let inside: Value | null = null;
  if (lower) inside = ops.greaterOrEqual(x!, lower);
  if (upper) inside = inside ? ops.and(inside, ops.lessOrEqual(x!, upper)) : ops.lessOrEqual(x!, upper);
  return [inside ? ops.where(inside, dy(ctx), 0) : dy(ctx), null, null];
};

/** Sum of n operands (what gradient accumulation emits). */
export const sum: GradientRule = (ctx) => inputs(ctx).map((x, i) => (ctx.needs(i) ? reduceToShape(dy(ctx), x) : null));
