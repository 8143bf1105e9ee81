// Gradient rules of ops that move or select data.

import { attr, ops, type Value } from '../../graph';
import { isStatic } from '../../graph/shape';
import { reduceToShape, type GradientContext, type GradientRule } from '../context';

const dy = (ctx: GradientContext) => ctx.dy[0]!;
const x0 = (ctx: GradientContext) => ctx.entry.inputs[0]!;

function constantInts(value: Value | null | undefined, context: string): number[] | undefined {
  if (!value) return undefined;
  const init = value.graph.initializers.find((i) => i.value === value);
  if (!init) throw new Error(`gradient of ${context}: ${value.name} must be a constant`);
  return Array.from(new BigInt64Array(init.bytes.slice().buffer), Number);
}

/** Reshape, Squeeze, Unsqueeze, Flatten: reshape the gradient back to the input's run-time shape. */
export const reshapeBack: GradientRule = (ctx) => [ops.reshapeTo(dy(ctx), ops.shapeOf(x0(ctx)), x0(ctx).shape)];

export const transpose: GradientRule = (ctx) => {
  const perm = (ctx.entry.attributes.perm?.value as number[] | undefined)?.map(Number) ?? x0(ctx).shape.map((_, i) => x0(ctx).rank - 1 - i);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [ops.transpose(dy(ctx), inverse)];
};

export const expand: GradientRule = (ctx) => [reduceToShape(dy(ctx), x0(ctx)), null];

/** Concat: split the gradient back into the pieces' sizes along the axis (run-time sizes when symbolic). */
export const concat: GradientRule = (ctx) => {
  const pieces = ctx.entry.inputs as Value[];
  const axis = Number(ctx.entry.attributes.axis.value);
  const g = ctx.graph;
  const sizes = pieces.map((p) => p.shape[axis]);
  const splitSizes = isStatic(sizes) ? g.int64s(sizes) : ops.concat(pieces.map((p) => ops.shapeOf(p, axis, axis + 1)), 0);
  const outputs = pieces.map((p) => ({ dtype: p.dtype, shape: p.shape }));
  return g.node('Split', [dy(ctx), splitSizes], outputs, { axis: attr.int(axis) });
};

/** Slice (unit steps): pad the gradient with zeros back to the input's size. */
export const slice: GradientRule = (ctx) => {
  const [x, startsValue, , axesValue, stepsValue] = ctx.entry.inputs;
  const starts = constantInts(startsValue, 'Slice')!;
  const axes = constantInts(axesValue, 'Slice') ?? starts.map((_, i) => i);
  const steps = constantInts(stepsValue, 'Slice');
  if (steps?.some((s) => s !== 1)) throw new Error('gradient of Slice: only unit steps are supported');
  const g = ctx.graph;
  const input = x!;
  const grad = dy(ctx);
  const begin: Value[] = [];
  const end: Value[] = [];
  for (let a = 0; a < input.rank; a++) {
    const at = axes.map((v) => (v < 0 ? v + input.rank : v)).indexOf(a);
    if (at < 0) {
      begin.push(g.int64s([0]));
      end.push(g.int64s([0]));
      continue;
    }
    const size = ops.shapeOf(input, a, a + 1);
    const start = starts[at];
    const before = start >= 0 ? ops.min(g.int64s([start]), size) : ops.max(ops.add(size, g.int64s([start])), g.int64s([0]));
    begin.push(before);
    end.push(ops.sub(ops.sub(size, before), ops.shapeOf(grad, a, a + 1)));
  }
  const pads = ops.concat([...begin, ...end], 0);
  return [g.node('Pad', [grad, pads], [{ dtype: input.dtype, shape: input.shape }])[0]];
};

/** Gather along axis 0 (embedding lookup): scatter-add the rows back; repeated ids accumulate. */
export const gather: GradientRule = (ctx) => {
  const [data, indices] = ctx.entry.inputs as Value[];
  if (Number(ctx.entry.attributes.axis?.value ?? 0) !== 0) throw new Error('gradient of Gather: only axis 0 is supported');
  return [ops.scatterND(ops.zerosLike(data), ops.unsqueeze(indices, [-1]), dy(ctx), 'add'), null];
};

export const gatherElements: GradientRule = (ctx) => {
  const [data, indices] = ctx.entry.inputs as Value[];
  const axis = Number(ctx.entry.attributes.axis?.value ?? 0);
  return [ops.scatterElements(ops.zerosLike(data), indices, dy(ctx), axis, 'add'), null];
};

/** ScatterElements without reduction: overwritten positions pass nothing to data; updates read their positions. */
export const scatterElements: GradientRule = (ctx) => {
  const [, indices, updates] = ctx.entry.inputs as Value[];
  if (ctx.entry.attributes.reduction && ctx.entry.attributes.reduction.value !== 'none') throw new Error('gradient of ScatterElements: only reduction none is supported');
  const axis = Number(ctx.entry.attributes.axis?.value ?? 0);
  const dData = ctx.needs(0) ? ops.scatterElements(dy(ctx), indices, ops.zerosLike(updates), axis) : null;
  const dUpdates = ctx.needs(2) ? ops.gatherElements(dy(ctx), indices, axis) : null;
  return [dData, null, dUpdates];
};

/** Trilu keeps a triangle: the gradient keeps the same triangle. */
export const trilu: GradientRule = (ctx) => {
  const k = ctx.entry.inputs[1];
  const upper = Number(ctx.entry.attributes.upper?.value ?? 1) === 1;
  return [ops.trilu(dy(ctx), upper, k ?? undefined), null];
};
