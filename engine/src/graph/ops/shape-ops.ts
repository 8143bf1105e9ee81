// Op helpers that move or select data: reshape, transpose, concat, slice, gather, expand, (un)squeeze, shape, range.

import { attr, type Attributes, type Value } from '../graph';
import { numbersToBytes, onnxDataType, type DType } from '../dtype';
import { broadcastShapes, dimProduct, dimQuotient, formatShape, normalizeAxis, sameDim, type Dim, type Shape } from '../shape';

/**
 * Reshape to `target`: numbers are literal sizes (-1 once, inferred); a symbolic name must equal the input's size
 * at the same axis (written as 0 = copy), or be the only moving symbolic size (written as -1).
 */
export function reshape(x: Value, target: Shape): Value {
  const g = x.graph;
  const literal: number[] = [];
  let inferredAt = -1;
  for (let axis = 0; axis < target.length; axis++) {
    const dim = target[axis];
    if (typeof dim === 'number' && dim !== -1) literal.push(dim);
    else if (typeof dim === 'string' && axis < x.rank && sameDim(x.shape[axis], dim)) literal.push(0);
    else {
      if (inferredAt >= 0) throw new Error(`Reshape ${x} to ${formatShape(target)}: more than one size to infer; use reshapeTo with a shape tensor`);
      inferredAt = axis;
      literal.push(-1);
    }
  }
  const shape: Dim[] = target.map((d, axis) => (literal[axis] === 0 ? x.shape[axis] : d));
  if (inferredAt >= 0) {
    const known = dimProduct(shape.filter((_, axis) => axis !== inferredAt));
    const inferred = dimQuotient(dimProduct(x.shape), known);
    if (inferred === undefined) throw new Error(`Reshape ${x} to ${formatShape(target)}: sizes do not divide`);
    if (typeof target[inferredAt] === 'string' && !sameDim(inferred, target[inferredAt])) throw new Error(`Reshape ${x} to ${formatShape(target)}: inferred ${inferred}, not ${target[inferredAt]}`);
    shape[inferredAt] = inferred;
  } else if (!sameDim(dimProduct(shape), dimProduct(x.shape))) {
    throw new Error(`Reshape ${x} to ${formatShape(target)}: element counts differ`);
  }
  return g.node('Reshape', [x, g.int64s(literal)], [{ dtype: x.dtype, shape }])[0];
}

/** Reshape to the run-time shape held by an int64 tensor (e.g. Shape(other)); `shape` is its static description. */
export function reshapeTo(x: Value, shapeTensor: Value, shape: Shape): Value {
  return x.graph.node('Reshape', [x, shapeTensor], [{ dtype: x.dtype, shape }])[0];
}

export function transpose(x: Value, perm?: readonly number[]): Value {
  const order = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (order.length !== x.rank) throw new Error(`Transpose ${x}: permutation ${formatShape(order)} has the wrong length`);
  return x.graph.node('Transpose', [x], [{ dtype: x.dtype, shape: order.map((i) => x.shape[i]) }], { perm: attr.ints(order) })[0];
}

/** Swaps the last two axes. */
export function transposeLast(x: Value): Value {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return transpose(x, perm);
}

export function concat(values: readonly Value[], axis: number): Value {
  const first = values[0];
  const a = normalizeAxis(axis, first.rank, 'Concat');
  const shape = [...first.shape];
  const sizes = values.map((v) => v.shape[a]);
  shape[a] = sizes.every((s) => typeof s === 'number') ? (sizes as number[]).reduce((p, q) => p + q, 0) : sizes.join('+');
  return first.graph.node('Concat', [...values], [{ dtype: first.dtype, shape }], { axis: attr.int(a) })[0];
}

/** Static slice along axes: starts/ends as in numpy (negative counts from the end; ends clamp). */
export function slice(x: Value, axes: readonly number[], starts: readonly number[], ends: readonly number[], steps?: readonly number[]): Value {
  const g = x.graph;
  const shape = [...x.shape];
  axes.forEach((axis, i) => {
    const a = normalizeAxis(axis, x.rank, 'Slice');
    const size = x.shape[a];
    const step = steps?.[i] ?? 1;
    if (typeof size !== 'number') {
      shape[a] = starts[i] === 0 && ends[i] >= Number.MAX_SAFE_INTEGER ? size : `${size}_slice${i}`;
      return;
    }
    const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const begin = clampIndex(starts[i]);
    const end = clampIndex(ends[i]);
    shape[a] = step > 0 ? Math.max(0, Math.ceil((end - begin) / step)) : Math.max(0, Math.ceil((begin - end) / -step));
  });
  const inputs = [x, g.int64s(starts), g.int64s(ends), g.int64s(axes), steps ? g.int64s(steps) : null];
  return g.node('Slice', inputs, [{ dtype: x.dtype, shape }])[0];
}

/** Gather along `axis` with int64 indices (an embedding lookup is gather(table, ids, 0)). */
export function gather(data: Value, indices: Value, axis = 0): Value {
  const a = normalizeAxis(axis, data.rank, 'Gather');
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return data.graph.node('Gather', [data, indices], [{ dtype: data.dtype, shape }], { axis: attr.int(a) })[0];
}

export function gatherElements(data: Value, indices: Value, axis: number): Value {
  const a = normalizeAxis(axis, data.rank, 'GatherElements');
  return data.graph.node('GatherElements', [data, indices], [{ dtype: data.dtype, shape: indices.shape }], { axis: attr.int(a) })[0];
}

/** Writes `updates` into a copy of `data` at `indices` along `axis` (reduction 'add' accumulates duplicates). */
export function scatterElements(data: Value, indices: Value, updates: Value, axis: number, reduction: 'none' | 'add' = 'none'): Value {
  const a = normalizeAxis(axis, data.rank, 'ScatterElements');
  const attributes = { axis: attr.int(a), ...(reduction === 'none' ? {} : { reduction: attr.string(reduction) }) };
  return data.graph.node('ScatterElements', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }], attributes)[0];
}

/** ScatterND: indices [..., k] address the first k axes of data. */
export function scatterND(data: Value, indices: Value, updates: Value, reduction: 'none' | 'add' = 'none'): Value {
  const attributes: Attributes = reduction === 'none' ? {} : { reduction: attr.string(reduction) };
  return data.graph.node('ScatterND', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }], attributes)[0];
}

export function expand(x: Value, shapeTensor: Value, shape: Shape): Value {
  const out = broadcastShapes([x.shape, shape], 'Expand');
  return x.graph.node('Expand', [x, shapeTensor], [{ dtype: x.dtype, shape: out }])[0];
}

/** Expand to a static shape given as numbers. */
export function expandTo(x: Value, shape: readonly number[]): Value {
  return expand(x, x.graph.int64s(shape), shape);
}

export function unsqueeze(x: Value, axes: readonly number[]): Value {
  const rank = x.rank + axes.length;
  const normalized = axes.map((a) => normalizeAxis(a, rank, 'Unsqueeze')).sort((p, q) => p - q);
  const shape: Dim[] = [];
  let source = 0;
  for (let i = 0; i < rank; i++) shape.push(normalized.includes(i) ? 1 : x.shape[source++]);
  return x.graph.node('Unsqueeze', [x, x.graph.int64s(normalized)], [{ dtype: x.dtype, shape }])[0];
}

export function squeeze(x: Value, axes: readonly number[]): Value {
  const normalized = axes.map((a) => normalizeAxis(a, x.rank, 'Squeeze'));
  for (const a of normalized) if (x.shape[a] !== 1) throw new Error(`Squeeze ${x}: axis ${a} has size ${x.shape[a]}, not 1`);
  const shape = x.shape.filter((_, i) => !normalized.includes(i));
  return x.graph.node('Squeeze', [x, x.graph.int64s(normalized)], [{ dtype: x.dtype, shape }])[0];
}

/** The run-time shape of x as an int64 vector (optionally a [start, end) range of axes). */
export function shapeOf(x: Value, start?: number, end?: number): Value {
  const attributes = { ...(start === undefined ? {} : { start: attr.int(start) }), ...(end === undefined ? {} : { end: attr.int(end) }) };
  const length = (end ?? x.rank) - (start ?? 0);
  return x.graph.node('Shape', [x], [{ dtype: 'int64', shape: [length] }], attributes)[0];
}

/** A tensor of the run-time shape `shapeTensor` filled with `value`; `shape` is its static description. */
export function constantOfShape(shapeTensor: Value, shape: Shape, dtype: DType, value: number): Value {
  const tensor = { name: 'value', dataType: onnxDataType[dtype], dims: [1], rawData: numbersToBytes(dtype, [value]) };
  return shapeTensor.graph.node('ConstantOfShape', [shapeTensor], [{ dtype, shape }], { value: attr.tensor(tensor) })[0];
}

/** Zeros with the type and run-time shape of x. */
export function zerosLike(x: Value): Value {
  return constantOfShape(shapeOf(x), x.shape, x.dtype, 0);
}

/** Range(start, limit, delta) of scalar values of one type; `length` describes the result's size. */
export function range(start: Value, limit: Value, delta: Value, length: Dim): Value {
  return start.graph.node('Range', [start, limit, delta], [{ dtype: start.dtype, shape: [length] }])[0];
}

/** Keeps the upper (or lower) triangle of the last two axes, shifted by the scalar int64 `k`. */
export function trilu(x: Value, upper: boolean, k?: Value): Value {
  return x.graph.node('Trilu', k ? [x, k] : [x], [{ dtype: x.dtype, shape: x.shape }], { upper: attr.int(upper ? 1 : 0) })[0];
}
