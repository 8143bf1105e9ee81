// Lazy initializers (frozen weights): read when the graph is serialised, never held by the graph, and written to
// external data one tensor at a time with the same bytes an eager initializer would have.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Graph, ops, serializeModel, writeModel } from '../../../engine/src/graph';

function build(lazy: boolean, loads: { count: number }): Graph {
  const graph = new Graph({ name: 'lazy' });
  const x = graph.input('x', 'float32', [2]);
  const data = () => {
    loads.count++;
    return new Float32Array(512).fill(0.5);
  };
  const weight = lazy ? graph.lazyInitializer('w', 'float32', [512], data) : graph.initializer('w', 'float32', [512], data());
  graph.output(ops.add(ops.reduceSum(weight), ops.reduceSum(x)), 'y');
  return graph;
}

test('a lazy initializer is read at each serialisation and gives the bytes of an eager one', () => {
  const loads = { count: 0 };
  const lazy = build(true, loads);
  assert.equal(loads.count, 0);
  assert.equal(lazy.initializers.find((initializer) => initializer.value.name === 'w')?.byteLength, 2048);
  const bytes = serializeModel(lazy);
  assert.equal(loads.count, 1);
  serializeModel(lazy);
  assert.equal(loads.count, 2);
  assert.deepEqual(bytes, serializeModel(build(false, { count: 0 })));
});

test('external data of a lazy initializer matches an eager one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-lazy-'));
  try {
    writeModel(build(true, { count: 0 }), join(dir, 'lazy.onnx'), { externalData: 'always' });
    writeModel(build(false, { count: 0 }), join(dir, 'eager.onnx'), { externalData: 'always' });
    assert.deepEqual(readFileSync(join(dir, 'lazy.onnx.data')), readFileSync(join(dir, 'eager.onnx.data')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
