import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerWindow, parseModelConfig, ropeInverseFrequencies } from '../../../engine/src/io/config';
import { ModelFileError } from '../../../contracts/src/model-file-error';

const LLAMA = {
  model_type: 'llama', vocab_size: 100, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
  num_attention_heads: 8, num_key_value_heads: 2, rms_norm_eps: 1e-5, rope_theta: 500000, tie_word_embeddings: true,
  eos_token_id: [5, 6], bos_token_id: 1, some_future_key: { nested: true },
};

function expectConfigError(json: unknown, code: string, key?: string): void {
  assert.throws(() => parseModelConfig(json, 'x/config.json'), (error: unknown) => {
    assert.ok(error instanceof ModelFileError);
    assert.equal(error.code, code);
    assert.equal(error.file, 'x/config.json');
    if (key !== undefined) assert.equal(error.key, key);
    return true;
  });
}

test('normalises a Llama config, ignoring unknown keys and filling defaults', () => {
  const config = parseModelConfig(LLAMA);
  assert.equal(config.arch, 'llama');
  assert.equal(config.headDim, 8);
  assert.equal(config.numKvHeads, 2);
  assert.equal(config.ropeTheta, 500000);
  assert.deepEqual(config.ropeScaling, { type: 'default' });
  assert.deepEqual(config.eosTokenIds, [5, 6]);
  assert.equal(config.tieWordEmbeddings, true);
  assert.equal(config.qkvBias, false);
  assert.equal(config.qkNorm, false);
  assert.equal(config.maxPositionEmbeddings, 2048);
  const mha = parseModelConfig({ ...LLAMA, num_key_value_heads: undefined });
  assert.equal(mha.numKvHeads, 8);
});

test('architecture flags follow transformers: Qwen2 q/k/v bias, Qwen3 q/k norm with explicit head_dim', () => {
  const qwen2 = parseModelConfig({ ...LLAMA, model_type: 'qwen2', sliding_window: 4096, use_sliding_window: false });
  assert.deepEqual([qwen2.arch, qwen2.qkvBias, qwen2.outputBias, qwen2.qkNorm, qwen2.slidingWindow], ['qwen2', true, false, false, null]);
  const qwen3 = parseModelConfig({ ...LLAMA, model_type: 'qwen3', head_dim: 32 });
  assert.deepEqual([qwen3.arch, qwen3.headDim, qwen3.qkvBias, qwen3.qkNorm], ['qwen3', 32, false, true]);
  const mistral = parseModelConfig({ ...LLAMA, model_type: 'mistral', sliding_window: 4096 });
  assert.deepEqual([mistral.arch, mistral.slidingWindow], ['llama', 4096]);
  const biased = parseModelConfig({ ...LLAMA, attention_bias: true });
  assert.deepEqual([biased.qkvBias, biased.outputBias], [true, true]);
});

test('sliding-window layers follow transformers: max_window_layers or layer_types for Qwen, every layer for Mistral', () => {
  const windows = (json: Record<string, unknown>) => {
    const config = parseModelConfig({ ...LLAMA, num_hidden_layers: 4, ...json });
    return Array.from({ length: 4 }, (_, layer) => layerWindow(config, layer));
  };
  // Qwen2/2.5 checkpoints: the window applies from max_window_layers on (default 28: none of 4 layers).
  assert.deepEqual(windows({ model_type: 'qwen2', use_sliding_window: true, sliding_window: 8, max_window_layers: 2 }), [null, null, 8, 8]);
  assert.deepEqual(windows({ model_type: 'qwen2', use_sliding_window: true, sliding_window: 8 }), [null, null, null, null]);
  assert.deepEqual(windows({ model_type: 'qwen3', use_sliding_window: true, max_window_layers: 3 }), [null, null, null, 4096]);
  // layer_types (what transformers 5 writes) wins over max_window_layers.
  const types = ['sliding_attention', 'full_attention', 'sliding_attention', 'full_attention'];
  assert.deepEqual(windows({ model_type: 'qwen2', use_sliding_window: true, sliding_window: 8, max_window_layers: 0, layer_types: types }), [8, null, 8, null]);
  assert.deepEqual(windows({ model_type: 'qwen2', use_sliding_window: false, sliding_window: 8, layer_types: types }), [null, null, null, null]);
  assert.deepEqual(windows({ model_type: 'mistral', sliding_window: 8, max_window_layers: 2 }), [8, 8, 8, 8]);
  assert.deepEqual(windows({ model_type: 'mistral', sliding_window: null }), [null, null, null, null]);
  assert.deepEqual(windows({ model_type: 'llama', sliding_window: 8 }), [null, null, null, null]); // LlamaAttention has no window
  expectConfigError({ ...LLAMA, model_type: 'qwen2', use_sliding_window: true, layer_types: ['full_attention'] }, 'bad-config', 'layer_types');
  expectConfigError({ ...LLAMA, model_type: 'qwen2', use_sliding_window: true, layer_types: ['linear_attention', 'full_attention'] }, 'unsupported-feature', 'layer_types');
});

test('unsupported and invalid configs are refused with the key', () => {
  expectConfigError({ ...LLAMA, model_type: 'gpt_neox' }, 'unsupported-architecture', 'model_type');
  expectConfigError({ ...LLAMA, hidden_act: 'gelu' }, 'unsupported-feature', 'hidden_act');
  expectConfigError({ ...LLAMA, rope_scaling: { rope_type: 'yarn', factor: 4 } }, 'unsupported-feature', 'rope_scaling');
  expectConfigError({ ...LLAMA, rope_scaling: { rope_type: 'llama3', factor: 8 } }, 'bad-config', 'rope_scaling.low_freq_factor');
  expectConfigError({ ...LLAMA, hidden_size: 'big' }, 'bad-config', 'hidden_size');
  expectConfigError({ ...LLAMA, num_key_value_heads: 3 }, 'bad-config', 'num_key_value_heads');
  expectConfigError({ ...LLAMA, vocab_size: undefined }, 'bad-config', 'vocab_size');
  // A RoPE base at or below 1 overflows the rotation angles to NaN: refused rather than scored as nulls.
  expectConfigError({ ...LLAMA, rope_theta: 1e-300 }, 'bad-config', 'rope_theta');
  expectConfigError({ ...LLAMA, rope_parameters: { rope_type: 'default', rope_theta: 1 } }, 'bad-config', 'rope_parameters.rope_theta');
});

test('RoPE inverse frequencies: default, linear and llama3 scaling', () => {
  const base = { headDim: 8, ropeTheta: 10000 };
  const plain = ropeInverseFrequencies({ ...base, ropeScaling: { type: 'default' } });
  assert.deepEqual([...plain].map((x) => Number(x.toPrecision(12))), [1, 0.1, 0.01, 0.001]);
  const linear = ropeInverseFrequencies({ ...base, ropeScaling: { type: 'linear', factor: 4 } });
  assert.deepEqual([...linear].map((x) => Number(x.toPrecision(12))), [0.25, 0.025, 0.0025, 0.00025]);
  // Wavelengths 6.3 (high: kept), 62.8 (medium: smoothed), 628 and 6283 (low: divided by the factor).
  const llama3 = ropeInverseFrequencies({ ...base, ropeScaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 } });
  assert.equal(llama3[0], 1);
  const smooth = (64 / ((2 * Math.PI) / 0.1) - 1) / 3;
  assert.ok(Math.abs(llama3[1] - ((1 - smooth) * 0.1 / 8 + smooth * 0.1)) < 1e-15);
  assert.ok(Math.abs(llama3[2] - 0.01 / 8) < 1e-15);
  assert.ok(Math.abs(llama3[3] - 0.001 / 8) < 1e-15);
});
