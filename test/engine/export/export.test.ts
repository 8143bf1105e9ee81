// `finetune export`: a LoRA adapter merged into a Hugging Face folder gives the logits of base + adapter computed
// as a separate branch; the folder keeps the base's dtype (or --dtype), is refused over a non-empty folder without
// --force; the ONNX export loads in onnxruntime-node and gives the same logits through its KV cache; a
// prompt-tuning adapter exports to ONNX (virtual tokens inside) but not to a merged folder.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { promptTuningConfig } from '../../../engine/src/adapters/prompt';
import { exportHuggingFace } from '../../../engine/src/export/hf';
import { exportOnnx } from '../../../engine/src/export/onnx';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsHeader } from '../../../engine/src/io/safetensors';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { NAMES } from '../../../engine/src/models/types';
import { logitsOf, maxDifference, runCached, unmergedLogits } from './unmerged';
import { adapterConfig, adapterTensorName } from '../../../engine/src/train/export';

let dir: string;
let base: string;
let adapterDir: string;
const RANK = 4;
const ALPHA = 8;
const TARGETS = ['q_proj', 'v_proj', 'lm_head'];
const ids = [5, 17, 99, 3, 250, 41, 7];

function random(seed: number, count: number, scale: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => (((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1) * scale);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-export-'));
  base = join(dir, 'base');
  initModel({ arch: 'llama', size: 'tiny', out: base, seed: 5 });
  const folder = loadModelFolder(base);
  adapterDir = join(dir, 'adapter');
  mkdirSync(adapterDir);
  writeFileSync(join(adapterDir, 'adapter_config.json'), JSON.stringify(adapterConfig({ baseModel: base, rank: RANK, alpha: ALPHA, dropout: 0, targetModules: TARGETS, rslora: false })));
  const tensors = folder.weights
    .names()
    .filter((name) => TARGETS.some((target) => name.endsWith(`${target}.weight`)))
    .flatMap((name, index) => {
      const [out, inFeatures] = folder.weights.info(name).shape;
      const module = name.slice(0, -'.weight'.length);
      return [
        { name: adapterTensorName(module, 'lora_A'), dtype: 'F32' as const, shape: [RANK, inFeatures], data: random(2 * index + 1, RANK * inFeatures, 0.3) },
        { name: adapterTensorName(module, 'lora_B'), dtype: 'F32' as const, shape: [out, RANK], data: random(2 * index + 2, out * RANK, 0.3) },
      ];
    });
  writeSafetensors(join(adapterDir, 'adapter_model.safetensors'), tensors, { format: 'pt' });
});
after(() => rmSync(dir, { recursive: true, force: true }));




test('hf: the merged folder gives the logits of base + adapter, in the base dtype, atomically', async () => {
  const out = join(dir, 'merged');
  const result = exportHuggingFace({ model: base, adapter: adapterDir, out });
  assert.equal(result.dtype, 'float32');
  assert.equal(result.mergedModules, 2 * 2 + 1);
  for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'model.safetensors']) assert.ok(existsSync(join(out, name)), name);
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.tmp-')), []);
  const merged = await logitsOf(buildInferenceGraph(loadModelFolder(out), { output: { kind: 'logits' } }).graph, ids);
  const reference = await unmergedLogits(base, adapterDir, ids);
  const plain = await logitsOf(buildInferenceGraph(loadModelFolder(base), { output: { kind: 'logits' } }).graph, ids);
  assert.ok(maxDifference(merged, reference) < 1e-4, `merged vs unmerged: ${maxDifference(merged, reference)}`);
  assert.ok(maxDifference(merged, plain) > 1e-2, 'the adapter changes the logits');

  assert.throws(() => exportHuggingFace({ model: base, adapter: adapterDir, out }), (error: Error) => error.name === 'UserError');
  const forced = exportHuggingFace({ model: base, out, force: true, dtype: 'bfloat16' });
  assert.equal(forced.mergedModules, 0);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).torch_dtype, 'bfloat16');
  assert.ok([...readSafetensorsHeader(join(out, 'model.safetensors')).tensors.values()].every((info) => info.dtype === 'BF16'));
});

test('hf: a float16 base stays float16 unless --dtype says otherwise', () => {
  const half = join(dir, 'base-f16');
  mkdirSync(half);
  const folder = loadModelFolder(base);
  for (const name of readdirSync(base)) if (name.endsWith('.json')) copyFileSync(join(base, name), join(half, name));
  writeSafetensors(join(half, 'model.safetensors'), folder.weights.names().map((name) => ({ name, dtype: 'F16' as const, shape: [...folder.weights.info(name).shape], data: folder.weights.readFloat32(name) })), { format: 'pt' });
  const out = join(dir, 'merged-f16');
  assert.equal(exportHuggingFace({ model: half, adapter: adapterDir, out }).dtype, 'float16');
  assert.ok([...readSafetensorsHeader(join(out, 'model.safetensors')).tensors.values()].every((info) => info.dtype === 'F16'));
  assert.equal(exportHuggingFace({ model: half, adapter: adapterDir, out, force: true, dtype: 'float32' }).dtype, 'float32');
  assert.ok([...readSafetensorsHeader(join(out, 'model.safetensors')).tensors.values()].every((info) => info.dtype === 'F32'));
});

test('onnx: the exported model loads in onnxruntime-node and its KV cache gives the merged logits', async () => {
  const out = join(dir, 'onnx');
  const result = exportOnnx({ model: base, adapter: adapterDir, out });
  assert.equal(result.externalData, false);
  assert.ok(existsSync(join(out, 'tokenizer.json')) && existsSync(join(out, 'config.json')));
  const session = await ort.InferenceSession.create(join(out, 'model.onnx'), { intraOpNumThreads: 1 });
  const config = loadModelFolder(base).config;
  const { vocabSize } = config;
  assert.deepEqual([...session.inputNames].slice(0, 3), [NAMES.inputIds, NAMES.attentionMask, NAMES.positionIds]);
  const run = (chunk: number[], start: number, past?: Record<string, ort.Tensor>) => runCached(session, config, chunk, start, past);
  const reference = await unmergedLogits(base, adapterDir, ids);
  const prefill = await run(ids.slice(0, -1), 0);
  const prefillLogits = prefill.logits.data as Float32Array;
  assert.equal(prefillLogits.length, (ids.length - 1) * vocabSize);
  assert.ok(maxDifference(prefillLogits, reference.subarray(0, (ids.length - 1) * vocabSize)) < 1e-4);
  const decode = await run(ids.slice(-1), ids.length - 1, prefill);
  assert.ok(maxDifference(decode.logits.data as Float32Array, reference.subarray((ids.length - 1) * vocabSize)) < 1e-4);
  await session.release();

  // Models over 2 GB go out with external data (forced here): onnxruntime loads model.onnx + model.onnx.data.
  const external = join(dir, 'onnx-external');
  assert.equal(exportOnnx({ model: base, adapter: adapterDir, out: external, externalData: 'always' }).externalData, true);
  assert.ok(existsSync(join(external, 'model.onnx.data')));
  const fromFiles = await ort.InferenceSession.create(join(external, 'model.onnx'), { intraOpNumThreads: 1 });
  const again = await runCached(fromFiles, config, [ids[0]], 0);
  assert.ok(maxDifference(again.logits.data as Float32Array, reference.subarray(0, vocabSize)) < 1e-4);
  await fromFiles.release();
});

test('a prompt-tuning adapter exports to ONNX with its virtual tokens, and is refused for a merged folder', async () => {
  const folder = loadModelFolder(base);
  const prompt = join(dir, 'prompt-adapter');
  mkdirSync(prompt);
  const settings = { baseModel: base, numVirtualTokens: 3, tokenDim: folder.config.hiddenSize, numAttentionHeads: folder.config.numHeads, numLayers: folder.config.numLayers, init: { kind: 'RANDOM' as const } };
  writeFileSync(join(prompt, 'adapter_config.json'), JSON.stringify(promptTuningConfig(settings)));
  writeSafetensors(join(prompt, 'adapter_model.safetensors'), [{ name: 'prompt_embeddings', dtype: 'F32', shape: [3, folder.config.hiddenSize], data: random(9, 3 * folder.config.hiddenSize, 1) }], { format: 'pt' });
  assert.throws(() => exportHuggingFace({ model: base, adapter: prompt, out: join(dir, 'never') }), (error: Error) => error.name === 'UserError');
  assert.equal(existsSync(join(dir, 'never')), false);

  const out = join(dir, 'onnx-prompt');
  exportOnnx({ model: base, adapter: prompt, out });
  const session = await ort.InferenceSession.create(join(out, 'model.onnx'), { intraOpNumThreads: 1 });
  const exported = (await runCached(session, folder.config, ids, 0)).logits.data as Float32Array;
  const expected = await logitsOf(buildInferenceGraph(folder, { output: { kind: 'logits' }, adapter: readPeftAdapter(prompt) }).graph, ids);
  assert.ok(maxDifference(exported, expected) < 1e-4);
  await session.release();
});
