// The step graph's memory diet keeps training exact: gradient checkpointing reproduces the loss curve, dropout (whose
// masks a recomputation would redraw) is refused with it, and frozen weights are held once by the session
// (no constant-folded transposed copies), which ORT's own optimised model shows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { serializeModel, type Graph } from '../../../engine/src/graph';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { train } from '../../../engine/src/train/loop';
import { createLoraPlan } from '../../../engine/src/train/methods/lora';
import { buildStepGraph, lossChunksFor } from '../../../engine/src/train/step-graph';
import { createFixture, type Fixture, stepLosses } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());


test('--gradient-checkpointing follows the loss curve of a plain run (lora and full)', async () => {
  for (const method of ['lora', 'full'] as const) {
    const plain = fixture.args({ out: `${method}-plain`, method, steps: 6, lr: method === 'full' ? 1e-3 : 1e-2 });
    const checkpointed = fixture.args({ out: `${method}-checkpointed`, method, steps: 6, lr: method === 'full' ? 1e-3 : 1e-2, gradientCheckpointing: true });
    assert.equal((await train(plain)).status, 'done');
    assert.equal((await train(checkpointed)).status, 'done');
    const expected = stepLosses(plain.out);
    const actual = stepLosses(checkpointed.out);
    assert.equal(actual.length, 6);
    actual.forEach((loss, index) => assert.ok(Math.abs(loss - expected[index]) <= 1e-5 * Math.abs(expected[index]), `${method} step ${index + 1}: ${loss} vs ${expected[index]}`));
  }
});

test('--gradient-checkpointing with LoRA dropout is refused before any work', async () => {
  await assert.rejects(train(fixture.args({ out: 'dropout', steps: 1, dropout: 0.1, gradientCheckpointing: true })), /dropout/);
});

test('the loss is chunked once a micro-batch has more than 64 MB of logits', () => {
  assert.equal(lossChunksFor(8192, 8 * 128), 1);
  assert.equal(lossChunksFor(151_936, 4 * 256), 10);
});

/** Bytes of the model ORT writes after its graph optimisations (initializers dominate). */
async function optimizedBytes(graph: Graph): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-optimized-'));
  try {
    const path = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(serializeModel(graph), { graphOptimizationLevel: 'extended', optimizedModelFilePath: path });
    await session.release();
    return statSync(path).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('frozen weights are held once: no transposed copies after ORT optimises the step graph', async () => {
  const model = loadModelFolder(fixture.model);
  const args = fixture.args({ out: 'unused' });
  const graph = buildStepGraph(model, createLoraPlan(model, { ...args, seed: 1 }), { accumulate: false });
  const weights = graph.initializers.reduce((sum, initializer) => sum + initializer.bytes.byteLength, 0);
  assert.ok(graph.nodes.some((node) => node.opType === 'FusedMatMul'));
  const bytes = await optimizedBytes(graph);
  assert.ok(bytes < weights * 1.1, `optimised model ${bytes} bytes for ${weights} bytes of weights`);
});
