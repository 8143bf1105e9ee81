// PEFT LoRA adapters on score/generate: the folder PEFT writes is read, validated against the base model, and merged
// as W + scale·B·A. Checked against the naive reference with the merge done here by hand.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loraScale, readPeftAdapter } from '../../../engine/src/adapters/peft';
import { tensor } from '../../../engine/src/graph';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { referenceLogits } from './reference';
import { TINY_CONFIGS, writeTinyModel } from './tiny-model';

const RANK = 2;
const TARGETS = ['q_proj', 'v_proj', 'down_proj'];

interface AdapterSpec {
  config?: Record<string, unknown>;
  /** module → [out, in] */
  modules: Record<string, [number, number]>;
  skipB?: boolean;
}

function writeAdapter(spec: AdapterSpec): string {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-adapter-'));
  const config = { peft_type: 'LORA', r: RANK, lora_alpha: 4, target_modules: TARGETS, use_rslora: false, fan_in_fan_out: false, bias: 'none', task_type: 'CAUSAL_LM', ...spec.config };
  writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify(config));
  const tensors = Object.entries(spec.modules).flatMap(([module, [out, inFeatures]], index) => {
    const a = Float32Array.from({ length: RANK * inFeatures }, (_, i) => Math.sin(i * 0.37 + index));
    const b = Float32Array.from({ length: out * RANK }, (_, i) => 0.2 * Math.cos(i * 0.91 + index));
    return [
      { name: `base_model.model.${module}.lora_A.weight`, dtype: 'F32' as const, shape: [RANK, inFeatures], data: a },
      ...(spec.skipB ? [] : [{ name: `base_model.model.${module}.lora_B.weight`, dtype: 'F32' as const, shape: [out, RANK], data: b }]),
    ];
  });
  writeSafetensors(join(dir, 'adapter_model.safetensors'), tensors, { format: 'pt' });
  return dir;
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ModelFileError ? error.code : `not a ModelFileError: ${String(error)}`;
  }
  return undefined;
}

describe('PEFT LoRA adapter', () => {
  let model: { dir: string; cleanup: () => void };
  let folder: ModelFolder;
  const dirs: string[] = [];
  let modules: Record<string, [number, number]>;

  before(() => {
    model = writeTinyModel(TINY_CONFIGS.qwen2, 9);
    folder = loadModelFolder(model.dir, { requireTokenizer: false });
    const { hiddenSize: h, intermediateSize: m } = folder.config;
    modules = { 'model.layers.0.self_attn.q_proj': [h, h], 'model.layers.1.self_attn.v_proj': [h, h], 'model.layers.1.mlp.down_proj': [h, m] };
  });
  after(() => {
    model.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('merged adapter logits equal the base with W + (alpha/r)·B·A', async () => {
    const dir = writeAdapter({ modules });
    dirs.push(dir);
    const adapter = readPeftAdapter(dir);
    const { graph } = buildInferenceGraph(folder, { output: { kind: 'logits' }, adapter });
    const { session } = await openGraphSession(graph, { device: 'cpu' });
    const ids = [4, 9, 13, 21, 2];
    const out = await session.run({ input_ids: tensor('int64', [1, 5], ids), attention_mask: tensor('int64', [1, 5], [1, 1, 1, 1, 1]) });
    await session.release();
    const scale = 4 / RANK;
    const merged = (name: string): Float32Array => {
      const base = folder.weights.readFloat32(name);
      const module = name.replace(/\.weight$/, '');
      const lora = adapter.modules.get(module);
      if (!lora || !name.endsWith('.weight')) return base;
      const [outFeatures, inFeatures] = modules[module];
      const result = Float32Array.from(base);
      for (let o = 0; o < outFeatures; o++) for (let i = 0; i < inFeatures; i++) for (let k = 0; k < RANK; k++) result[o * inFeatures + i] += scale * lora.b[o * RANK + k] * lora.a[k * inFeatures + i];
      return result;
    };
    const expected = referenceLogits(folder.config, merged, ids);
    const unadapted = referenceLogits(folder.config, (name) => folder.weights.readFloat32(name), ids);
    const logits = out.logits.data as Float32Array;
    let worst = 0;
    let change = 0;
    expected.forEach((row, t) => row.forEach((value, v) => {
      worst = Math.max(worst, Math.abs(logits[t * row.length + v] - value));
      change = Math.max(change, Math.abs(value - unadapted[t][v]));
    }));
    assert.ok(worst < 2e-4, `max difference ${worst}`);
    assert.ok(change > 1e-2, 'the adapter must change the logits');
  });

  test('rsLoRA and alpha/rank patterns set the scale as PEFT does', () => {
    const config = { r: 4, loraAlpha: 8, useRslora: false, targetModules: [], rankPattern: {}, alphaPattern: { 'layers.1.self_attn.v_proj': 2 } };
    assert.equal(loraScale(config, 'model.layers.0.self_attn.q_proj', 4), 2);
    assert.equal(loraScale(config, 'model.layers.1.self_attn.v_proj', 4), 0.5);
    assert.equal(loraScale({ ...config, useRslora: true }, 'model.layers.0.self_attn.q_proj', 4), 4);
  });

  test('bad adapters are refused with located errors', () => {
    const check = (spec: AdapterSpec, code: string) => {
      const dir = writeAdapter(spec);
      dirs.push(dir);
      assert.equal(errorCode(() => buildInferenceGraph(folder, { output: { kind: 'logits' }, adapter: readPeftAdapter(dir) })), code, JSON.stringify(spec.config ?? {}));
    };
    check({ modules, config: { peft_type: 'IA3' } }, 'unsupported-feature');
    check({ modules, config: { peft_type: 'PREFIX_TUNING' } }, 'bad-config');
    check({ modules, config: { use_dora: true } }, 'unsupported-feature');
    check({ modules, config: { r: 3 } }, 'wrong-shape');
    check({ modules, skipB: true }, 'missing-tensor');
    check({ modules: { 'model.layers.0.self_attn.q_proj': [folder.config.hiddenSize + 1, folder.config.hiddenSize] } }, 'wrong-shape');
    check({ modules: { 'model.layers.7.self_attn.q_proj': [folder.config.hiddenSize, folder.config.hiddenSize] } }, 'missing-tensor');
    assert.equal(errorCode(() => readPeftAdapter(model.dir)), 'missing-file');
  });
});
