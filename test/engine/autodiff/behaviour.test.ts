// Autodiff behaviour beyond single rules: unused inputs, fan-out, missing rules, symbolic sizes, float32 composites.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph, createSession, ops, tensor } from '../../../engine/src/graph';
import { gradients, rmsNorm } from '../../../engine/src/autodiff';

test('an input the loss does not depend on gets a zero gradient of its shape', async () => {
  const g = new Graph();
  const x = g.input('x', 'float64', [2, 3]);
  const unused = g.input('unused', 'float64', ['n', 2]);
  const loss = ops.reduceSum(ops.mul(x, x));
  const [, dUnused] = gradients(g, loss, [x, unused]);
  g.output(dUnused, 'd_unused');
  const result = await (await createSession(g)).run({ x: tensor('float64', [2, 3], [1, 2, 3, 4, 5, 6]), unused: tensor('float64', [3, 2], [1, 1, 1, 1, 1, 1]) });
  assert.deepEqual(result.d_unused.dims, [3, 2]);
  assert.deepEqual(Array.from(result.d_unused.data as Float64Array), [0, 0, 0, 0, 0, 0]);
});

test('a value used several times accumulates the gradients of every use', async () => {
  const g = new Graph();
  const x = g.input('x', 'float64', [3]);
  // loss = Σ (x·x + 3x + exp(x)) → d/dx = 2x + 3 + exp(x)
  const loss = ops.reduceSum(ops.add(ops.add(ops.mul(x, x), ops.mul(x, 3)), ops.exp(x)));
  const [dx] = gradients(g, loss, [x]);
  g.output(dx, 'dx');
  const values = [0.5, -1, 2];
  const result = await (await createSession(g)).run({ x: tensor('float64', [3], values) });
  Array.from(result.dx.data as Float64Array).forEach((d, i) => assert.ok(Math.abs(d - (2 * values[i] + 3 + Math.exp(values[i]))) < 1e-12));
});

test('an op without a gradient rule fails, naming the op', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [4]);
  const y = g.node('HardSwish', [x], [{ dtype: 'float32', shape: [4] }])[0];
  assert.throws(() => gradients(g, ops.reduceSum(y), [x]), /'HardSwish'/);
});

test('integer inputs and comparisons carry no gradient and need no rule', () => {
  const g = new Graph();
  const table = g.input('table', 'float32', [5, 2]);
  const ids = g.input('ids', 'int64', ['n']);
  const rows = ops.gather(table, ids, 0);
  const loss = ops.reduceSum(ops.where(ops.greater(rows, 0), rows, 0));
  const [dTable] = gradients(g, loss, [table]);
  assert.deepEqual(dTable.shape, [5, 2]);
  assert.throws(() => gradients(g, loss, [ids]), /not a float tensor/);
});

test('gradients of a graph with symbolic batch and sequence run at several sizes', async () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', 'seq', 4]);
  const w = g.input('w', 'float32', [4, 4]);
  const h = ops.reshape(ops.matmul(x, w), ['batch', 'seq', 2, 2]);
  const loss = ops.reduceMean(ops.square(h));
  const [dw] = gradients(g, loss, [w]);
  g.output(dw, 'dw');
  const session = await createSession(g);
  for (const [batch, seq] of [[1, 1], [2, 3]]) {
    const xs = Float32Array.from({ length: batch * seq * 4 }, (_, i) => (i % 5) / 5);
    const result = await session.run({ x: tensor('float32', [batch, seq, 4], xs), w: tensor('float32', [4, 4], Float32Array.from({ length: 16 }, (_, i) => i / 16)) });
    assert.deepEqual(result.dw.dims, [4, 4]);
  }
});

test('float32 RMSNorm (fused kernel) agrees with the float64 expansion, forward and backward', async () => {
  const build = (dtype: 'float32' | 'float64') => {
    const g = new Graph();
    const x = g.input('x', dtype, [2, 3, 8]);
    const w = g.input('w', dtype, [8]);
    const y = rmsNorm(x, w, 1e-5);
    const loss = ops.reduceSum(ops.mul(y, ops.sin(x)));
    const [dx, dw] = gradients(g, loss, [x, w]);
    g.output(y, 'y');
    g.output(dx, 'dx');
    g.output(dw, 'dw');
    return g;
  };
  const xs = Array.from({ length: 48 }, (_, i) => Math.cos(i * 0.7) * 2);
  const ws = Array.from({ length: 8 }, (_, i) => 0.5 + i / 8);
  const run = async (dtype: 'float32' | 'float64') => (await createSession(build(dtype))).run({ x: tensor(dtype, [2, 3, 8], xs), w: tensor(dtype, [8], ws) });
  const [single, double] = await Promise.all([run('float32'), run('float64')]);
  for (const name of ['y', 'dx', 'dw']) {
    const a = Array.from(single[name].data as Float32Array);
    const b = Array.from(double[name].data as Float64Array);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-4 * Math.max(1, Math.abs(b[i])), `${name}[${i}]: ${v} vs ${b[i]}`));
  }
});
