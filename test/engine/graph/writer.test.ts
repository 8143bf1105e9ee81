// The ONNX writer through onnxruntime: models load and compute what the builder's shape inference promised,
// symbolic sizes accept any size, external data loads from a side file, and fp16/int4 initializers decode.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Graph, createSession, float32ToFloat16Bits, ops, serializeModel, tensor, writeModel } from '../../../engine/src/graph';

function mlp(): Graph {
  const g = new Graph({ name: 'mlp' });
  const x = g.input('x', 'float32', ['batch', 'seq', 4]);
  const w = g.initializer('w', 'float32', [4, 3], Float32Array.from({ length: 12 }, (_, i) => (i - 6) / 10));
  const b = g.initializer('b', 'float32', [3], new Float32Array([0.1, 0.2, 0.3]));
  const h = ops.silu(ops.add(ops.matmul(x, w), b));
  const flat = ops.reshape(h, [-1, 3]);
  g.output(ops.softmax(flat, -1), 'probs');
  g.output(ops.transpose(ops.reduceMean(h, [1], true), [2, 0, 1]), 'pooled');
  return g;
}

test('a built graph runs for several symbolic sizes and its outputs have the inferred shapes', async () => {
  const g = mlp();
  const [probs, pooled] = g.outputs;
  assert.deepEqual(probs.shape, ['batch*seq', 3]);
  assert.deepEqual(pooled.shape, [3, 'batch', 1]);
  const session = await createSession(g);
  for (const [batch, seq] of [[1, 2], [3, 5]]) {
    const x = Float32Array.from({ length: batch * seq * 4 }, (_, i) => Math.sin(i));
    const result = await session.run({ x: tensor('float32', [batch, seq, 4], x) });
    assert.deepEqual(result.probs.dims, [batch * seq, 3]);
    assert.deepEqual(result.pooled.dims, [3, batch, 1]);
    const rowSum = Array.from(result.probs.data as Float32Array).slice(0, 3).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(rowSum - 1) < 1e-6);
  }
});

test('constants are de-duplicated and dead nodes are pruned from the serialised model', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [2]);
  assert.equal(g.scalar(2, 'float32'), g.scalar(2, 'float32'));
  assert.notEqual(g.scalar(2, 'float32'), g.scalar(2, 'float64'));
  const used = ops.mul(x, 2);
  ops.exp(ops.mul(x, 123456));
  g.output(used, 'y');
  const bytes = Buffer.from(serializeModel(g));
  assert.ok(bytes.includes(Buffer.from('Mul')));
  assert.ok(!bytes.includes(Buffer.from('Exp')), 'the unused Exp node is not written');
});

test('weights above the threshold go to an external data file that onnxruntime loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-writer-'));
  try {
    const g = mlp();
    const modelPath = join(dir, 'model.onnx');
    const { dataPath } = writeModel(g, modelPath, { externalData: 'always', externalThresholdBytes: 32 });
    assert.ok(dataPath && existsSync(dataPath));
    // w (48 bytes) is external, b (12 bytes) inline: the side file holds exactly w.
    assert.equal(statSync(dataPath).size, 48);
    assert.ok(readFileSync(modelPath).includes(Buffer.from('model.onnx.data')));
    const fromFile = await ort.InferenceSession.create(modelPath);
    const inline = await createSession(mlp());
    const feeds = { x: tensor('float32', [1, 2, 4], Float32Array.from({ length: 8 }, (_, i) => i / 8)) };
    assert.deepEqual(Array.from((await fromFile.run(feeds)).probs.data as Float32Array), Array.from((await inline.run(feeds)).probs.data as Float32Array));
    const viaSession = await createSession(mlp(), { externalData: true });
    assert.deepEqual((await viaSession.run(feeds)).pooled.dims, [3, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('float16 and int4 initializers decode to the stored values', async () => {
  const g = new Graph();
  const half = g.initializer('half', 'float16', [3], Uint16Array.from([0.5, -2, 1000], float32ToFloat16Bits));
  // int4 packs two per byte, low nibble first: [1, -2, 7, -8] → 0xE1, 0x87.
  const packed = g.initializer('packed', 'int4', [4], new Uint8Array([0xe1, 0x87]));
  const scale = g.scalar(1, 'float32');
  const dequantized = g.node('DequantizeLinear', [packed, scale, g.constant('int4', [], new Uint8Array([0]))], [{ dtype: 'float32', shape: [4] }])[0];
  g.output(ops.cast(half, 'float32'), 'half32');
  g.output(dequantized, 'ints');
  const result = await (await createSession(g)).run({});
  assert.deepEqual(Array.from(result.half32.data as Float32Array), [0.5, -2, 1000]);
  assert.deepEqual(Array.from(result.ints.data as Float32Array), [1, -2, 7, -8]);
});

test('shape inference rejects mismatched operands, naming them', () => {
  const g = new Graph();
  const a = g.input('a', 'float32', [2, 3]);
  const b = g.input('b', 'float32', [4, 5]);
  assert.throws(() => ops.add(a, b), /a.*b/);
  assert.throws(() => ops.matmul(a, b), /inner sizes 3 and 4/);
  assert.throws(() => ops.reshape(a, [4, 2]), /element counts differ/);
});
