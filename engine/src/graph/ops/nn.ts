// Linear algebra, softmax and reductions (opset 18+: reduction axes are an int64 input).

import { attr, type Value } from '../graph';
import { broadcastShapes, formatShape, normalizeAxis, sameDim, type Dim } from '../shape';

/** Batched matrix product with numpy broadcasting of the leading axes; both operands need rank ≥ 2. */
export function matmul(a: Value, b: Value): Value {
  if (a.rank < 2 || b.rank < 2) throw new Error(`MatMul(${a}, ${b}): operands need rank ≥ 2`);
  if (a.dtype !== b.dtype) throw new Error(`MatMul(${a}, ${b}): operand types differ`);
  const k1 = a.shape[a.rank - 1];
  const k2 = b.shape[b.rank - 2];
  if (typeof k1 === 'number' && typeof k2 === 'number' ? k1 !== k2 : !sameDim(k1, k2) && typeof k1 === typeof k2) {
    throw new Error(`MatMul(${a}, ${b}): inner sizes ${k1} and ${k2} differ`);
  }
  const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)], `MatMul(${a.name}, ${b.name})`);
  const shape = [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]];
  return a.graph.node('MatMul', [a, b], [{ dtype: a.dtype, shape }])[0];
}

export function softmax(x: Value, axis = -1): Value {
  return x.graph.node('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: attr.int(normalizeAxis(axis, x.rank, 'Softmax')) })[0];
}

export function logSoftmax(x: Value, axis = -1): Value {
  return x.graph.node('LogSoftmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: attr.int(normalizeAxis(axis, x.rank, 'LogSoftmax')) })[0];
}

export type ReduceOp = 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceSumSquare' | 'ReduceL2';

/** Reduces over `axes` (all axes when omitted). */
export function reduce(op: ReduceOp, x: Value, axes?: readonly number[], keepDims = false): Value {
  const normalized = (axes ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank, op));
  const shape: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!normalized.includes(i)) shape.push(d);
    else if (keepDims) shape.push(1);
  });
  const g = x.graph;
  return g.node(op, [x, g.int64s(normalized)], [{ dtype: x.dtype, shape }], { keepdims: attr.int(keepDims ? 1 : 0) })[0];
}

export const reduceSum = (x: Value, axes?: readonly number[], keepDims = false): Value => reduce('ReduceSum', x, axes, keepDims);
export const reduceMean = (x: Value, axes?: readonly number[], keepDims = false): Value => reduce('ReduceMean', x, axes, keepDims);
export const reduceMax = (x: Value, axes?: readonly number[], keepDims = false): Value => reduce('ReduceMax', x, axes, keepDims);
export const reduceSumSquare = (x: Value, axes?: readonly number[], keepDims = false): Value => reduce('ReduceSumSquare', x, axes, keepDims);

/** Checks that a value has the expected rank, for helpers that index axes. */
export function expectRank(x: Value, rank: number, context: string): void {
  if (x.rank !== rank) throw new Error(`${context}: expected rank ${rank}, got ${x} ${formatShape(x.shape)}`);
}
