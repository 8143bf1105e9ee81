// GPT-2, Gemma 2, Gemma 3 and Phi-3 graphs are trainable end to end: built in float64 with every weight as a graph input, the
// autodiff gradient of the loss matches central finite differences for every weight (sampled coordinates), through
// LayerNorm, GELU, Conv1D transposes and learned positions (GPT-2), and (1 + w) norms, soft-capped attention and
// logits, the sliding window and GeGLU (Gemma 2), q/k norms and per-layer-type RoPE (Gemma 3), fused projections and partial RoPE (Phi-3);
// and so are prompt tuning's virtual tokens and prefix tuning's table on each of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as ort from 'onnxruntime-node';
import { gradients } from '../../../engine/src/autodiff';
import { Graph, tensor, type Value } from '../../../engine/src/graph';
import { parseModelConfig, type ModelConfig } from '../../../engine/src/io/config';
import { expectedTensors } from '../../../engine/src/io/tensor-layout';
import { prefixKeyValues, prefixWidth } from '../../../engine/src/models/prefix';
import { buildCausalLM } from '../../../engine/src/models/registry';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { SeededRandom } from '../../../engine/src/train/random';

const CONFIGS: Record<string, ModelConfig> = {
  gpt2: parseModelConfig({ model_type: 'gpt2', vocab_size: 11, n_embd: 8, n_inner: 12, n_layer: 1, n_head: 2, n_positions: 8 }),
  gemma2: parseModelConfig({
    model_type: 'gemma2', vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, head_dim: 4,
    num_attention_heads: 2, num_key_value_heads: 1, rope_theta: 100, query_pre_attn_scalar: 6, sliding_window: 2,
    attn_logit_softcapping: 1.5, final_logit_softcapping: 2.5,
  }),
  gemma3_text: parseModelConfig({
    model_type: 'gemma3_text', vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, head_dim: 4,
    num_attention_heads: 2, num_key_value_heads: 1, query_pre_attn_scalar: 6, sliding_window: 2, sliding_window_pattern: 2,
    rope_theta: 1000, rope_local_base_freq: 100, rope_scaling: { rope_type: 'linear', factor: 2 },
  }),
  phi3: parseModelConfig({
    model_type: 'phi3', vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2,
    num_key_value_heads: 1, rope_theta: 100, partial_rotary_factor: 0.5, sliding_window: 3,
  }),
};

type Adapter = 'virtual tokens' | 'prefix';

/**
 * Builds the float64 loss graph of `config` with every weight (and the adapter's tensor: virtual tokens [2, hidden] or
 * a prefix table [2, layers·2·kvDim]) a graph input, and checks the autodiff gradient of each input `checked` names
 * against central finite differences on a right-padded batch of two with ignored labels (first and last coordinate).
 */
async function gradientCheck(arch: string, config: ModelConfig, adapter: Adapter | null, checked: (name: string) => boolean): Promise<void> {
  const random = new SeededRandom(5);
  const graph = new Graph({ name: 'gradcheck' });
  const values = new Map<string, { value: Value; data: Float64Array }>();
  const add = (name: string, shape: number[], offset: number) => {
    const data = Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + (random.next() - 0.5) * 0.8);
    values.set(name, { value: graph.input(name, 'float64', shape), data });
  };
  for (const spec of expectedTensors(config)) add(spec.name, spec.shape, spec.kind === 'norm' && arch === 'gpt2' ? 1 : 0);
  if (adapter === 'virtual tokens') add('prompt_embeddings', [2, config.hiddenSize], 0);
  if (adapter === 'prefix') add('prefix_table', [2, prefixWidth(config)], 0);
  const model = buildCausalLM(graph, config, {
    parameter: (name) => values.get(name)!.value,
    virtualTokens: values.get('prompt_embeddings')?.value,
    prefix: adapter === 'prefix' ? prefixKeyValues(values.get('prefix_table')!.value, config) : undefined,
    output: { kind: 'loss' },
  });
  const names = [...values.keys()].filter(checked);
  const grads = gradients(graph, model.outputs.loss!, names.map((name) => values.get(name)!.value));
  grads.forEach((grad, i) => graph.output(grad, `grad_${i}`));
  const { session } = await openGraphSession(graph, { device: 'cpu' });
  const ids = [3, 7, 1, 9, 4];
  const feeds: Record<string, ort.Tensor> = {
    input_ids: tensor('int64', [2, 5], [...ids, ...ids.slice().reverse()]),
    attention_mask: tensor('int64', [2, 5], [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]),
    labels: tensor('int64', [2, 5], [3, 7, -100, 9, 4, 4, 9, 1, 7, -100]),
  };
  for (const [name, { value, data }] of values) feeds[name] = tensor('float64', value.shape as number[], data);
  try {
    const base = await session.run(feeds);
    const lossAt = async (name: string, index: number, delta: number): Promise<number> => {
      const data = Float64Array.from(feeds[name].data as Float64Array);
      data[index] += delta;
      return ((await session.run({ ...feeds, [name]: tensor('float64', feeds[name].dims as number[], data) })).loss.data as Float64Array)[0];
    };
    for (const [i, name] of names.entries()) {
      const gradient = base[`grad_${i}`].data as Float64Array;
      assert.ok(gradient.some((g) => Math.abs(g) > 1e-4), `${name}: gradient is all but zero`);
      for (const index of [0, gradient.length - 1]) {
        const h = 1e-5;
        const numeric = ((await lossAt(name, index, h)) - (await lossAt(name, index, -h))) / (2 * h);
        assert.ok(Math.abs(numeric - gradient[index]) < 1e-6 + 1e-4 * Math.abs(numeric), `${name}[${index}]: autodiff ${gradient[index]} vs numeric ${numeric}`);
      }
    }
  } finally {
    await session.release();
  }
}

for (const [arch, config] of Object.entries(CONFIGS)) {
  test(`${arch}: loss gradients of every weight match finite differences (float64)`, () => gradientCheck(arch, config, null, () => true));
  test(`${arch}: loss gradients of virtual tokens and of a prefix match finite differences (float64)`, async () => {
    await gradientCheck(arch, config, 'virtual tokens', (name) => name === 'prompt_embeddings');
    await gradientCheck(arch, config, 'prefix', (name) => name === 'prefix_table');
  });
}
