// The PEFT → engine direction of the Hugging Face round trip, against fixtures PEFT itself wrote
// (reference/roundtrip/make_model_fixtures.py): a LoRA adapter on q_proj, v_proj and lm_head saved with PEFT's default
// save_embedding_layers='auto', which adds `base_model.model.lm_head.base_layer.weight`, must load and give the
// per-token log-probs PEFT computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptWeight, mergeLora, readPeftAdapter } from '../../../engine/src/adapters/peft';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { readSafetensorsFile, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { worstLogprobDifference } from './peft-logprobs';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-lm-head');

interface Expected {
  tolerance: number;
  adapterTensors: string[];
  sequences: { ids: number[]; logprobs: (number | null)[] }[];
}

test('a PEFT adapter on lm_head saved with save_embedding_layers=auto gives PEFT log-probs', async () => {
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
  assert.ok(expected.adapterTensors.includes('base_model.model.lm_head.base_layer.weight'), 'the fixture holds the saved base layer');
  const folder = loadModelFolder(join(FIXTURE, 'base'), { requireTokenizer: false });
  const adapter = readPeftAdapter(join(FIXTURE, 'adapter'));
  assert.deepEqual([...adapter.modules.keys()].sort(), ['lm_head', 'model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj']);
  assert.deepEqual([...(adapter.baseWeights?.keys() ?? [])], ['lm_head.weight']);
  const worst = await worstLogprobDifference(folder, adapter, expected.sequences);
  assert.ok(worst <= expected.tolerance, `max |log-prob difference| ${worst} > ${expected.tolerance}`);
});

test('the saved base layer is used in place of the base weight (as PeftModel.from_pretrained loads it)', () => {
  const adapter = readPeftAdapter(join(FIXTURE, 'adapter'));
  const folder = loadModelFolder(join(FIXTURE, 'base'), { requireTokenizer: false });
  const base = folder.weights.readFloat32('lm_head.weight');
  const merged = adaptWeight(adapter, 'lm_head.weight', base);
  assert.deepEqual(adaptWeight(adapter, 'lm_head.weight', new Float32Array(base.length)), merged, 'the base passed in is not the one used');
  assert.deepEqual(merged, mergeLora(base, adapter.modules.get('lm_head')!), 'PEFT saved the base unchanged');
});

test('a base_layer weight of a module the adapter does not target is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-base-layer-'));
  try {
    cpSync(join(FIXTURE, 'adapter', 'adapter_config.json'), join(dir, 'adapter_config.json'));
    const source = readSafetensorsFile(join(FIXTURE, 'adapter', 'adapter_model.safetensors'));
    const tensors = [...source.tensors].map(([name, { info }]) => ({ name, dtype: 'F32' as const, shape: [...info.shape], data: readTensorFloat32(info) }));
    tensors.push({ name: 'base_model.model.model.layers.0.mlp.up_proj.base_layer.weight', dtype: 'F32', shape: [64, 32], data: new Float32Array(64 * 32) });
    writeSafetensors(join(dir, 'adapter_model.safetensors'), tensors, { format: 'pt' });
    assert.throws(() => readPeftAdapter(dir), (error: unknown) => error instanceof ModelFileError && error.code === 'unsupported-feature' && error.tensor === 'base_model.model.model.layers.0.mlp.up_proj.base_layer.weight');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
