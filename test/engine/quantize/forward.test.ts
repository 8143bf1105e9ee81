// The quantised forward on the tiny Llama: the in-graph dequantisation (NF4 by table lookup, int4 by blocked
// DequantizeLinear) must equal a float32 forward over the same weights dequantised in JavaScript, and stay close
// to the unquantised model's logits (the figures are printed; the bound is loose, the rounding is the point).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createSession, Graph, tensor } from '../../../engine/src/graph';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { initializerParameters } from '../../../engine/src/models/parameters';
import { buildCausalLM } from '../../../engine/src/models/registry';
import { dequantizeInt4Columns } from '../../../engine/src/quantize/int4';
import { QUANTIZED_SESSION_CONFIG, transposeMatrix } from '../../../engine/src/quantize/graph';
import { dequantizeNf4 } from '../../../engine/src/quantize/nf4';
import { quantizeBase, quantizedParameters, type QuantizedBase } from '../../../engine/src/train/methods/qlora';

let dir: string;
let model: ModelFolder;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-quantize-'));
  initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'model'), seed: 3 });
  model = loadModelFolder(join(dir, 'model'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ids = [5, 17, 99, 3, 250, 41, 7, 600, 12, 80, 33, 2];

async function logits(build: (graph: Graph) => (name: string) => import('../../../engine/src/graph').Value, extra?: Record<string, unknown>): Promise<Float32Array> {
  const graph = new Graph({ name: 'forward' });
  buildCausalLM(graph, model.config, { parameter: build(graph), output: { kind: 'logits' } });
  const session = await createSession(graph, { intraOpThreads: 1, ...(extra ? { extra } : {}) });
  const out = await session.run({
    input_ids: tensor('int64', [1, ids.length], ids),
    attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)),
  });
  await session.release();
  return out.logits.data as Float32Array;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index] - b[index]));
  return max;
}

/** ‖a − b‖ / ‖b‖ over all logits. */
function relativeRms(a: Float32Array, b: Float32Array): number {
  let difference = 0;
  let energy = 0;
  for (let index = 0; index < a.length; index++) {
    difference += (a[index] - b[index]) ** 2;
    energy += b[index] ** 2;
  }
  return Math.sqrt(difference / energy);
}

function dequantizedWeights(base: QuantizedBase): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, tensor] of base.tensors) {
    const [rows, columns] = tensor.shape;
    out.set(name, tensor.type === 'nf4' ? dequantizeNf4(tensor.data) : transposeMatrix(dequantizeInt4Columns(tensor.data, columns, rows), columns, rows));
  }
  return out;
}

for (const type of ['nf4', 'int4'] as const) {
  test(`${type}: in-graph dequantisation equals the float32 forward over the dequantised weights`, async () => {
    const base = quantizeBase(model, type);
    assert.equal(base.tensors.size, model.config.numLayers * 7);
    const reference = dequantizedWeights(base);
    const quantized = await logits((graph) => quantizedParameters(graph, base, initializerParameters(graph, model.weights)), QUANTIZED_SESSION_CONFIG);
    const dequantized = await logits((graph) => initializerParameters(graph, model.weights, { transform: (name, data) => reference.get(name) ?? data }));
    const original = await logits((graph) => initializerParameters(graph, model.weights));
    const exactness = maxDifference(quantized, dequantized);
    const rounding = maxDifference(quantized, original);
    const relative = relativeRms(quantized, original);
    console.log(`${type}: max |logit difference| vs dequantised fp32 ${exactness.toExponential(2)}, vs original fp32 ${rounding.toExponential(2)} (relative RMS ${relative.toFixed(3)}); base ${base.quantizedBytes} B vs ${base.float32Bytes} B fp32`);
    assert.ok(exactness < 1e-4, `in-graph dequantisation off by ${exactness}`);
    // Every weight of a random model carries ~10% relative rounding error (blocks.test.ts), so do its logits.
    assert.ok(rounding > 0 && relative < 0.25, `quantised logits differ by ${rounding} (relative ${relative})`);
    // 4 bits per weight + one fp32 scale per 64: 4.5 bits, i.e. 14% of float32.
    assert.ok(Math.abs(base.quantizedBytes / base.float32Bytes - 4.5 / 32) < 0.01);
  });
}
