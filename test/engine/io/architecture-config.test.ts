// GPT-2's and Gemma 2's config.json (and GPT-2 weights) as the Hub has them: GPT2Config's own keys (v4 and v5 write n_embd, n_layer, …;
// the attribute_map aliases are accepted too), refusals with the key, and checkpoints saved from GPT2Model (no
// `transformer.` prefix, with the old attn.bias mask buffers), which transformers loads and so must we.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { tensor } from '../../../engine/src/graph';
import { parseModelConfig } from '../../../engine/src/io/config';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsFile, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';

const GOLDEN = join(import.meta.dirname, '..', '..', 'fixtures', 'golden', 'gpt2');

test('GPT2Config keys and their generic aliases give the same ModelConfig; defaults are GPT2Config\'s', () => {
  const own = parseModelConfig({ model_type: 'gpt2', vocab_size: 100, n_embd: 64, n_layer: 3, n_head: 4, n_positions: 128, n_inner: null });
  const aliases = parseModelConfig({ model_type: 'gpt2', vocab_size: 100, hidden_size: 64, num_hidden_layers: 3, num_attention_heads: 4, max_position_embeddings: 128 });
  assert.deepEqual(own, aliases);
  assert.deepEqual([own.arch, own.headDim, own.intermediateSize, own.numKvHeads, own.tieWordEmbeddings, own.rmsNormEps], ['gpt2', 16, 256, 4, true, 1e-5]);
  const defaults = parseModelConfig({ model_type: 'gpt2' });
  assert.deepEqual([defaults.vocabSize, defaults.hiddenSize, defaults.numLayers, defaults.maxPositionEmbeddings, defaults.eosTokenIds], [50257, 768, 12, 1024, [50256]]);
  assert.equal(parseModelConfig({ model_type: 'gpt2', activation_function: 'gelu_pytorch_tanh' }).arch, 'gpt2');
});

test('GPT-2 features the graph does not compute are refused with the key', () => {
  const refused = (json: Record<string, unknown>, key: string) =>
    assert.throws(() => parseModelConfig({ model_type: 'gpt2', ...json }), (error: unknown) => error instanceof ModelFileError && error.key === key);
  refused({ activation_function: 'relu' }, 'activation_function');
  refused({ activation_function: 'gelu' }, 'activation_function');
  refused({ add_cross_attention: true }, 'add_cross_attention');
  refused({ n_embd: 30, n_head: 4 }, 'n_head');
});

test('a checkpoint saved from GPT2Model (no transformer. prefix, attn.bias buffers) loads and computes the same logits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-gpt2-hub-'));
  try {
    cpSync(join(GOLDEN, 'config.json'), join(dir, 'config.json'));
    const source = readSafetensorsFile(join(GOLDEN, 'model.safetensors'));
    const tensors = [...source.tensors].map(([name, { info }]) => ({ name: name.replace(/^transformer\./, ''), dtype: 'F32' as const, shape: [...info.shape], data: readTensorFloat32(info) }));
    for (const layer of [0, 1]) tensors.push({ name: `h.${layer}.attn.bias`, dtype: 'F32', shape: [1, 1, 64, 64], data: new Float32Array(64 * 64) });
    writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
    const folder = loadModelFolder(dir, { requireTokenizer: false });
    assert.ok(folder.weights.has('transformer.h.0.attn.c_attn.weight'));
    assert.deepEqual(folder.unusedTensors.sort(), ['transformer.h.0.attn.bias', 'transformer.h.1.attn.bias']);
    const golden = JSON.parse(readFileSync(join(GOLDEN, 'golden.json'), 'utf8')) as { sequences: { ids: number[]; logits: number[][] }[] };
    const { ids, logits } = golden.sequences[0];
    const { session } = await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { device: 'cpu' });
    const out = await session.run({ input_ids: tensor('int64', [1, ids.length], ids), attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)) });
    await session.release();
    const ours = out.logits.data as Float32Array;
    const worst = Math.max(...logits.flat().map((value, index) => Math.abs(ours[index] - value)));
    assert.ok(worst < 1e-4, `max |difference| ${worst}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Gemma 2: layers alternate sliding/full unless layer_types says otherwise; its defaults are Gemma2Config\'s', () => {
  const base = { model_type: 'gemma2', vocab_size: 100, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2 };
  const config = parseModelConfig({ ...base, hidden_act: 'gelu_pytorch_tanh', hidden_activation: 'gelu_pytorch_tanh' });
  assert.deepEqual(config.slidingLayers, [true, false, true, false]);
  assert.deepEqual([config.slidingWindow, config.headDim, config.tieWordEmbeddings], [4096, 256, true]);
  assert.deepEqual(config.gemma, { queryPreAttentionScalar: 256, attentionSoftcap: 50, finalSoftcap: 30, localRope: null });
  const explicit = parseModelConfig({ ...base, layer_types: ['full_attention', 'full_attention', 'sliding_attention', 'full_attention'], sliding_window: 8, attn_logit_softcapping: null, final_logit_softcapping: null });
  assert.deepEqual([explicit.slidingLayers, explicit.slidingWindow, explicit.gemma?.attentionSoftcap, explicit.gemma?.finalSoftcap], [[false, false, true, false], 8, null, null]);
  // transformers v4 Gemma 2 configs carry hidden_act (the legacy key) next to hidden_activation, which wins.
  assert.throws(() => parseModelConfig({ ...base, hidden_activation: 'relu' }), (error: unknown) => error instanceof ModelFileError && error.key === 'hidden_activation');
  assert.throws(() => parseModelConfig({ ...base, hidden_act: 'silu', hidden_activation: null }), (error: unknown) => error instanceof ModelFileError && error.key === 'hidden_act');
});

test('Gemma 3: transformers 5\'s per-layer-type rope_parameters and v4\'s rope_theta / rope_local_base_freq / rope_scaling agree', () => {
  const base = { model_type: 'gemma3_text', vocab_size: 100, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 7, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 8 };
  const v5 = parseModelConfig({
    ...base,
    layer_types: ['sliding_attention', 'sliding_attention', 'sliding_attention', 'sliding_attention', 'sliding_attention', 'full_attention', 'sliding_attention'],
    rope_parameters: { full_attention: { rope_type: 'linear', factor: 8, rope_theta: 1e6 }, sliding_attention: { rope_type: 'default', rope_theta: 1e4 } },
  });
  const v4 = parseModelConfig({ ...base, rope_theta: 1e6, rope_local_base_freq: 1e4, rope_scaling: { rope_type: 'linear', factor: 8 }, sliding_window_pattern: 6 });
  assert.deepEqual(v4, v5);
  assert.deepEqual([v5.ropeTheta, v5.ropeScaling, v5.gemma?.localRope], [1e6, { type: 'linear', factor: 8 }, { ropeTheta: 1e4, ropeScaling: { type: 'default' } }]);
  assert.deepEqual([v5.qkNorm, v5.gemma?.attentionSoftcap, v5.gemma?.finalSoftcap], [true, null, null]);
  const defaults = parseModelConfig(base);
  assert.deepEqual([defaults.ropeTheta, defaults.gemma?.localRope?.ropeTheta, defaults.slidingLayers], [1e6, 1e4, [true, true, true, true, true, false, true]]);
  assert.throws(() => parseModelConfig({ ...base, rope_local_base_freq: 1 }), (error: unknown) => error instanceof ModelFileError && error.key === 'rope_local_base_freq');
});

test('Phi-3: partial_rotary_factor from the top level (v4) or rope_parameters (v5); a window on every layer; longrope', () => {
  const base = { model_type: 'phi3', vocab_size: 100, hidden_size: 96, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 };
  const v4 = parseModelConfig({ ...base, partial_rotary_factor: 0.75, rope_theta: 10000, sliding_window: 2047 });
  const v5 = parseModelConfig({ ...base, rope_parameters: { rope_type: 'default', rope_theta: 10000, partial_rotary_factor: 0.75 }, sliding_window: 2047 });
  assert.deepEqual(v4, v5);
  assert.deepEqual([v4.headDim, v4.rotaryDim, v4.slidingWindow, v4.slidingLayers], [24, 18, 2047, { from: 0 }]);
  assert.equal(parseModelConfig(base).slidingWindow, null);
  // Phi-3.5-mini's shape of longrope (v4): factors per rotary pair, original length at the top level.
  const factors = { short_factor: Array(9).fill(1.1), long_factor: Array(9).fill(3) };
  const longrope = parseModelConfig({ ...base, partial_rotary_factor: 0.75, max_position_embeddings: 131072, original_max_position_embeddings: 4096, rope_scaling: { type: 'longrope', ...factors } });
  assert.deepEqual(longrope.ropeScaling, { type: 'longrope', ...{ shortFactor: factors.short_factor, longFactor: factors.long_factor }, originalMaxPositionEmbeddings: 4096, attentionFactor: Math.sqrt(1 + Math.log(32) / Math.log(4096)) });
  assert.throws(() => parseModelConfig({ ...base, rope_scaling: { type: 'longrope', short_factor: [1], long_factor: [2] } }), (error: unknown) => error instanceof ModelFileError && error.key === 'rope_scaling.short_factor');
  const llama = { ...base, model_type: 'llama', rope_scaling: { type: 'longrope', short_factor: Array(12).fill(1), long_factor: Array(12).fill(2) } };
  assert.throws(() => parseModelConfig(llama), (error: unknown) => error instanceof ModelFileError && error.code === 'unsupported-feature');
});

test('SmolLM3 is a Llama whose no_rope_layers (or every fourth layer by default) skip RoPE; NoPE layers slide when windowed', () => {
  const base = { model_type: 'smollm3', vocab_size: 100, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 8, num_attention_heads: 4, num_key_value_heads: 2 };
  const defaults = parseModelConfig(base);
  assert.deepEqual([defaults.arch, defaults.ropeLayers, defaults.slidingWindow], ['llama', [true, true, true, false, true, true, true, false], null]);
  assert.deepEqual(parseModelConfig({ ...base, no_rope_layers: [1, 0, 1, 0, 1, 0, 1, 0] }).ropeLayers, [true, false, true, false, true, false, true, false]);
  const windowed = parseModelConfig({ ...base, use_sliding_window: true, sliding_window: 16 });
  assert.deepEqual([windowed.slidingWindow, windowed.slidingLayers], [16, [false, false, false, true, false, false, false, true]]);
  assert.throws(() => parseModelConfig({ ...base, no_rope_layers: [1, 0] }), (error: unknown) => error instanceof ModelFileError && error.key === 'no_rope_layers');
  assert.equal(parseModelConfig({ ...base, model_type: 'llama' }).ropeLayers, null);
});
