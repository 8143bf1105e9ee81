// Elementwise op helpers with numpy broadcasting. Binary ops accept a number for either operand: it becomes a
// scalar constant of the other operand's type, so one model function builds both float32 and float64 graphs.

import { attr, type Value } from '../graph';
import { isFloat, onnxDataType, type DType } from '../dtype';
import { broadcastShapes } from '../shape';

export type Operand = Value | number;

function pair(op: string, a: Operand, b: Operand): [Value, Value] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${op}: at least one operand must be a graph value`);
  const left = typeof a === 'number' ? (b as Value).graph.scalar(a, (b as Value).dtype) : a;
  const right = typeof b === 'number' ? left.graph.scalar(b, left.dtype) : b;
  if (left.dtype !== right.dtype) throw new Error(`${op}: operand types differ (${left} vs ${right})`);
  return [left, right];
}

function binary(op: string, a: Operand, b: Operand, outputType?: DType): Value {
  const [left, right] = pair(op, a, b);
  const shape = broadcastShapes([left.shape, right.shape], `${op}(${left.name}, ${right.name})`);
  return left.graph.node(op, [left, right], [{ dtype: outputType ?? left.dtype, shape }])[0];
}

function unary(op: string, x: Value, attributes = {}): Value {
  if (!isFloat(x.dtype) && op !== 'Neg' && op !== 'Abs' && op !== 'Identity') throw new Error(`${op}: ${x} is not a float tensor`);
  return x.graph.node(op, [x], [{ dtype: x.dtype, shape: x.shape }], attributes)[0];
}

export const add = (a: Operand, b: Operand): Value => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Value => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Value => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Value => binary('Div', a, b);
export const pow = (a: Operand, b: Operand): Value => binary('Pow', a, b);
export const max = (a: Operand, b: Operand): Value => binary('Max', a, b);
export const min = (a: Operand, b: Operand): Value => binary('Min', a, b);

export const equal = (a: Operand, b: Operand): Value => binary('Equal', a, b, 'bool');
export const less = (a: Operand, b: Operand): Value => binary('Less', a, b, 'bool');
export const greater = (a: Operand, b: Operand): Value => binary('Greater', a, b, 'bool');
export const lessOrEqual = (a: Operand, b: Operand): Value => binary('LessOrEqual', a, b, 'bool');
export const greaterOrEqual = (a: Operand, b: Operand): Value => binary('GreaterOrEqual', a, b, 'bool');
export const and = (a: Value, b: Value): Value => binary('And', a, b, 'bool');
export const or = (a: Value, b: Value): Value => binary('Or', a, b, 'bool');
export const not = (x: Value): Value => x.graph.node('Not', [x], [{ dtype: 'bool', shape: x.shape }])[0];

export const neg = (x: Value): Value => unary('Neg', x);
export const abs = (x: Value): Value => unary('Abs', x);
export const exp = (x: Value): Value => unary('Exp', x);
export const log = (x: Value): Value => unary('Log', x);
export const sqrt = (x: Value): Value => unary('Sqrt', x);
export const reciprocal = (x: Value): Value => unary('Reciprocal', x);
export const sigmoid = (x: Value): Value => unary('Sigmoid', x);
export const tanh = (x: Value): Value => unary('Tanh', x);
export const sin = (x: Value): Value => unary('Sin', x);
export const cos = (x: Value): Value => unary('Cos', x);
export const relu = (x: Value): Value => unary('Relu', x);
/** Erf has no float64 kernel in ORT's CPU build; use it in float32/float16 graphs. */
export const erf = (x: Value): Value => unary('Erf', x);
export const identity = (x: Value): Value => x.graph.node('Identity', [x], [{ dtype: x.dtype, shape: x.shape }])[0];
export const square = (x: Value): Value => mul(x, x);
export const silu = (x: Value): Value => mul(x, sigmoid(x));

/** GELU with the tanh approximation (GPT-2's gelu_new), built from Tanh so it also runs in float64. */
export function geluTanh(x: Value): Value {
  const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/** Exact GELU, x·Φ(x), through Erf (float32/float16 only). */
export function gelu(x: Value): Value {
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

export function where(condition: Value, whenTrue: Operand, whenFalse: Operand): Value {
  const [t, f] = pair('Where', whenTrue, whenFalse);
  if (condition.dtype !== 'bool') throw new Error(`Where: condition ${condition} must be bool`);
  const shape = broadcastShapes([condition.shape, t.shape, f.shape], 'Where');
  return condition.graph.node('Where', [condition, t, f], [{ dtype: t.dtype, shape }])[0];
}

export function cast(x: Value, dtype: DType): Value {
  if (x.dtype === dtype) return x;
  return x.graph.node('Cast', [x], [{ dtype, shape: x.shape }], { to: attr.int(onnxDataType[dtype]) })[0];
}

/** Clamps between optional scalar bounds (Clip). */
export function clip(x: Value, lower?: number, upper?: number): Value {
  const g = x.graph;
  const inputs = [x, lower === undefined ? null : g.scalar(lower, x.dtype), upper === undefined ? null : g.scalar(upper, x.dtype)];
  return g.node('Clip', inputs, [{ dtype: x.dtype, shape: x.shape }])[0];
}
