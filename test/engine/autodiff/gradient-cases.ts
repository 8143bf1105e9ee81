// The gradient-rule cases: every differentiable op in small shapes with broadcasting, built by the float64
// finite-difference checks (gradient-rules.test.ts) and, in float32, by the CPU-vs-WebGPU parity checks.

import { ops, type Value } from '../../../engine/src/graph';
import { attention, checkpoint, chunkedCrossEntropy, geluTanh, softplus, layerNorm, rmsNorm, rotary, softmaxCrossEntropy, swiglu } from '../../../engine/src/autodiff';
import type { GradCheckOptions, InputSpec } from './gradcheck';

export interface Case {
  name: string;
  inputs: InputSpec[];
  build: (...inputs: Value[]) => Value;
  options?: GradCheckOptions;
}

export const f = (shape: number[], extra: Partial<InputSpec> = {}): InputSpec => ({ shape, ...extra });
const positive = (shape: number[]): InputSpec => ({ shape, positive: true });
const ints = (shape: number[], values: number[]): InputSpec => ({ shape, dtype: 'int64', values });
// Values kept a distance from kinks and ties (Relu at 0, Abs at 0, Max/Min with equal operands).
const awayFromZero = (shape: number[]): InputSpec => ({ shape, values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 2 ? 1 : -1) * (0.3 + 0.1 * i)) });

export const cases: Case[] = [
  { name: 'Add same shape', inputs: [f([2, 3]), f([2, 3])], build: (a, b) => ops.add(a, b) },
  { name: 'Add broadcast row', inputs: [f([2, 3]), f([3])], build: (a, b) => ops.add(a, b) },
  { name: 'Sub broadcast column', inputs: [f([2, 1, 3]), f([4, 1])], build: (a, b) => ops.sub(a, b) },
  { name: 'Mul broadcast', inputs: [f([2, 3, 2]), f([1, 3, 1])], build: (a, b) => ops.mul(a, b) },
  { name: 'Div', inputs: [f([3, 2]), positive([2])], build: (a, b) => ops.div(a, b) },
  { name: 'Pow base and exponent', inputs: [positive([2, 3]), f([3])], build: (a, b) => ops.pow(a, b) },
  { name: 'Max/Min', inputs: [awayFromZero([2, 3]), f([3], { values: [0.05, 0.15, -0.05] })], build: (a, b) => ops.add(ops.max(a, b), ops.min(a, b)) },
  { name: 'Neg Exp Log Sqrt Reciprocal', inputs: [positive([2, 3])], build: (x) => ops.add(ops.add(ops.neg(ops.exp(x)), ops.log(x)), ops.add(ops.sqrt(x), ops.reciprocal(x))) },
  { name: 'Sigmoid Tanh Sin Cos', inputs: [f([4])], build: (x) => ops.mul(ops.add(ops.sigmoid(x), ops.tanh(x)), ops.add(ops.sin(x), ops.cos(x))) },
  { name: 'Relu Abs Identity', inputs: [awayFromZero([2, 3])], build: (x) => ops.add(ops.relu(x), ops.identity(ops.abs(x))) },
  { name: 'Where', inputs: [f([2, 3]), f([3])], build: (a, b) => ops.where(ops.greater(a, 0), a, ops.mul(b, 2)) },
  { name: 'Clip', inputs: [{ shape: [5], values: [-2, -0.5, 0.1, 0.7, 3] }], build: (x) => ops.clip(x, -1, 1) },
  { name: 'Sum (fan-out)', inputs: [f([2, 3]), f([3])], build: (a, b) => a.graph.node('Sum', [a, b, a], [{ dtype: a.dtype, shape: [2, 3] }])[0] },
  { name: 'MatMul 2-D', inputs: [f([2, 3]), f([3, 4])], build: (a, b) => ops.matmul(a, b) },
  { name: 'MatMul batch × weight', inputs: [f([2, 3, 4]), f([4, 5])], build: (a, b) => ops.matmul(a, b) },
  { name: 'MatMul batch × narrow weight (computed as (gᵀ·a)ᵀ)', inputs: [f([2, 3, 5]), f([5, 2])], build: (a, b) => ops.matmul(a, b) },
  { name: 'MatMul batch × transposed narrow weight (LoRA A)', inputs: [f([2, 3, 5]), f([2, 5])], build: (a, b) => ops.matmul(a, ops.transpose(b, [1, 0])) },
  { name: 'MatMul batch broadcast', inputs: [f([2, 1, 2, 3]), f([3, 3, 2])], build: (a, b) => ops.matmul(a, b) },
  { name: 'Softmax', inputs: [f([2, 4])], build: (x) => ops.softmax(x, -1) },
  { name: 'Softmax axis 0', inputs: [f([3, 2])], build: (x) => ops.softmax(x, 0) },
  { name: 'LogSoftmax', inputs: [f([2, 5])], build: (x) => ops.logSoftmax(x, -1) },
  { name: 'ReduceSum keepdims', inputs: [f([2, 3, 2])], build: (x) => ops.reduceSum(x, [1], true) },
  { name: 'ReduceSum all', inputs: [f([2, 3])], build: (x) => ops.reduceSum(x) },
  { name: 'ReduceMean', inputs: [f([2, 3, 2])], build: (x) => ops.reduceMean(x, [0, 2]) },
  { name: 'ReduceMean symbolic', inputs: [f([2, 3], { symbolicShape: ['batch', 3] })], build: (x) => ops.reduceMean(x, [0]) },
  { name: 'ReduceSumSquare', inputs: [f([2, 3])], build: (x) => ops.reduceSumSquare(x, [-1], true) },
  { name: 'ReduceMax', inputs: [awayFromZero([2, 3])], build: (x) => ops.reduceMax(x, [1]) },
  { name: 'ReduceMin', inputs: [awayFromZero([3, 2])], build: (x) => ops.reduce('ReduceMin', x, [0]) },
  { name: 'Reshape', inputs: [f([2, 6])], build: (x) => ops.mul(ops.reshape(x, [3, 4]), ops.reshape(x, [3, -1])) },
  { name: 'Squeeze Unsqueeze', inputs: [f([2, 1, 3])], build: (x) => ops.unsqueeze(ops.squeeze(x, [1]), [0]) },
  { name: 'Flatten', inputs: [f([2, 2, 3])], build: (x) => x.graph.node('Flatten', [x], [{ dtype: x.dtype, shape: [2, 6] }])[0] },
  { name: 'Transpose', inputs: [f([2, 3, 4])], build: (x) => ops.transpose(x, [2, 0, 1]) },
  { name: 'Expand', inputs: [f([3, 1])], build: (x) => ops.expandTo(x, [2, 3, 4]) },
  { name: 'Concat', inputs: [f([2, 3]), f([2, 1])], build: (a, b) => ops.concat([a, b, a], 1) },
  { name: 'Concat symbolic', inputs: [f([2, 2], { symbolicShape: ['n', 2] }), f([1, 2])], build: (a, b) => ops.concat([b, a], 0) },
  { name: 'Slice', inputs: [f([4, 5])], build: (x) => ops.slice(x, [0, 1], [1, -3], [3, 100]) },
  { name: 'Slice symbolic', inputs: [f([3, 4], { symbolicShape: ['n', 4] })], build: (x) => ops.slice(x, [1], [1], [3]) },
  { name: 'Gather rows (repeated ids)', inputs: [f([4, 3]), ints([2, 2], [1, 3, 1, 0])], build: (table, ids) => ops.gather(table, ids, 0) },
  { name: 'GatherElements', inputs: [f([2, 4]), ints([2, 2], [0, 3, 3, 3])], build: (x, idx) => ops.gatherElements(x, idx, 1) },
  { name: 'ScatterElements', inputs: [f([2, 4]), f([2, 1])], build: (x, u) => ops.scatterElements(x, x.graph.constant('int64', [2, 1], [2, 0]), u, 1) },
  { name: 'Trilu', inputs: [f([3, 3])], build: (x) => ops.trilu(x, false) },
  { name: 'RMSNorm', inputs: [f([2, 3, 4]), f([4])], build: (x, w) => rmsNorm(x, w, 1e-6) },
  { name: 'Rotary', inputs: [f([1, 2, 3, 4]), f([1, 1, 3, 4]), f([1, 1, 3, 4])], build: (x, c, s) => rotary(x, c, s) },
  { name: 'Rotary, x only, batch-broadcast tables', inputs: [f([2, 2, 3, 4]), f([1, 1, 3, 4], { differentiate: false }), f([1, 1, 3, 4], { differentiate: false })], build: (x, c, s) => rotary(x, c, s) },
  { name: 'LayerNorm (weight and bias)', inputs: [f([2, 3, 4]), f([4]), f([4])], build: (x, w, b) => layerNorm(x, w, b, 1e-5) },
  { name: 'GELU tanh approximation', inputs: [f([2, 5])], build: (x) => geluTanh(x) },
  // 0 included: the kink of the elementary form, where DPO starts
  { name: 'Softplus (at 0, large and small)', inputs: [f([6], { values: [0, -0.7, 0.4, 25, -30, 2] })], build: (x) => softplus(x) },
  { name: 'SwiGLU', inputs: [f([2, 3]), f([2, 3])], build: (gate, up) => swiglu(gate, up) },
  { name: 'Attention causal', inputs: [f([1, 2, 3, 4]), f([1, 2, 3, 4]), f([1, 2, 3, 4])], build: (q, k, v) => attention(q, k, v, { causal: true }) },
  { name: 'Attention GQA causal with logit soft-capping', inputs: [f([1, 4, 3, 2]), f([1, 2, 3, 2]), f([1, 2, 3, 2])], build: (q, k, v) => attention(q, k, v, { causal: true, softcap: 0.7, scale: 2 }) },
  { name: 'Attention GQA causal, longer keys', inputs: [f([2, 4, 2, 2]), f([2, 2, 3, 2]), f([2, 2, 3, 2])], build: (q, k, v) => attention(q, k, v, { causal: true }) },
  {
    name: 'Attention with additive mask, symbolic batch',
    inputs: [
      f([2, 2, 3, 2], { symbolicShape: ['b', 2, 's', 2] }),
      f([2, 1, 3, 2], { symbolicShape: ['b', 1, 's', 2] }),
      f([2, 1, 3, 2], { symbolicShape: ['b', 1, 's', 2] }),
      f([2, 1, 1, 3], { symbolicShape: ['b', 1, 1, 's'], values: [0, 0, -1e9, 0, 0, 0], differentiate: false }),
    ],
    build: (q, k, v, mask) => attention(q, k, v, { causal: true, mask }),
  },
  { name: 'SoftmaxCrossEntropy mean with ignore', inputs: [f([4, 5]), ints([4], [1, -100, 4, 0])], build: (logits, labels) => softmaxCrossEntropy(logits, labels).loss },
  {
    name: 'ChunkedCrossEntropy, 3 chunks over 7 rows, captured head weight',
    inputs: [f([7, 3], { symbolicShape: ['rows', 3] }), f([3, 5]), ints([7], [1, -100, 4, 0, 2, 2, 3])],
    build: (hidden, weight, labels) => {
      const result = chunkedCrossEntropy(hidden, labels, (rows) => ops.matmul(rows, weight), 3);
      return ops.add(ops.mul(result.tokenLosses, 0.5), ops.div(result.lossSum, result.count));
    },
  },
  {
    name: 'Checkpoint with a captured weight',
    inputs: [f([2, 3]), f([3, 3])],
    build: (x, weight) => checkpoint([x], ([y]) => [ops.mul(ops.tanh(ops.matmul(y, weight)), y)])[0],
  },
  { name: 'SoftmaxCrossEntropy token losses, 3-D', inputs: [f([2, 2, 3]), ints([2, 2], [2, 0, -100, 1])], build: (logits, labels) => ops.add(softmaxCrossEntropy(logits, labels).tokenLosses, softmaxCrossEntropy(logits, labels).loss) },
];

