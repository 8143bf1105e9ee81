// The model graph is trainable end to end: built in float64 with every weight (and prompt-tuning virtual tokens)
// as a graph input, the autodiff gradient of the loss matches central finite differences at sampled coordinates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as ort from 'onnxruntime-node';
import { gradients } from '../../../engine/src/autodiff';
import { Graph, tensor, type Value } from '../../../engine/src/graph';
import { parseModelConfig } from '../../../engine/src/io/config';
import { expectedTensors } from '../../../engine/src/io/tensor-layout';
import { buildCausalLM } from '../../../engine/src/models/registry';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { SeededRandom } from '../../../engine/src/train/random';

const CONFIG = parseModelConfig({
  model_type: 'qwen3', vocab_size: 11, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, head_dim: 4,
  num_attention_heads: 2, num_key_value_heads: 1, rms_norm_eps: 1e-6, rope_theta: 100, tie_word_embeddings: true,
  attention_bias: true,
});

test('loss gradients for every weight kind and virtual tokens match finite differences (float64)', async () => {
  const random = new SeededRandom(21);
  const graph = new Graph({ name: 'gradcheck' });
  const values = new Map<string, { value: Value; data: Float64Array }>();
  for (const spec of expectedTensors(CONFIG)) {
    const data = Float64Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, () => (spec.kind === 'norm' ? 1 : 0) + (random.next() - 0.5) * 0.8);
    values.set(spec.name, { value: graph.input(spec.name, 'float64', spec.shape), data });
  }
  const virtualData = Float64Array.from({ length: 2 * CONFIG.hiddenSize }, () => random.next() - 0.5);
  const virtualTokens = graph.input('virtual_tokens', 'float64', [2, CONFIG.hiddenSize]);
  const model = buildCausalLM(graph, CONFIG, { parameter: (name) => values.get(name)!.value, virtualTokens, output: { kind: 'loss' } });
  const wrt = [...[...values.values()].map((v) => v.value), virtualTokens];
  const grads = gradients(graph, model.outputs.loss!, wrt);
  grads.forEach((grad, i) => graph.output(grad, `grad_${i}`));
  const { session } = await openGraphSession(graph, { device: 'cpu' });

  const ids = [3, 7, 1, 9, 4];
  const labels = [3, 7, -100, 9, 4];
  const feeds: Record<string, ort.Tensor> = {
    input_ids: tensor('int64', [2, 5], [...ids, ...ids.slice().reverse()]),
    attention_mask: tensor('int64', [2, 5], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1]),
    labels: tensor('int64', [2, 5], [...labels, -100, ...ids.slice(0, 4)]),
    virtual_tokens: tensor('float64', [2, CONFIG.hiddenSize], virtualData),
  };
  for (const [name, { value, data }] of values) feeds[name] = tensor('float64', value.shape as number[], data);
  try {
    const base = await session.run(feeds);
    const lossAt = async (name: string, index: number, delta: number): Promise<number> => {
      const data = Float64Array.from(feeds[name].data as Float64Array);
      data[index] += delta;
      const out = await session.run({ ...feeds, [name]: tensor('float64', feeds[name].dims as number[], data) });
      return (out.loss.data as Float64Array)[0];
    };
    const names = [...values.keys(), 'virtual_tokens'];
    const checked = ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.k_proj.bias', 'model.layers.0.self_attn.q_norm.weight', 'model.layers.0.self_attn.k_norm.weight', 'model.layers.0.mlp.down_proj.weight', 'model.layers.0.input_layernorm.weight', 'model.norm.weight', 'virtual_tokens'];
    for (const name of checked) {
      const gradient = base[`grad_${names.indexOf(name)}`].data as Float64Array;
      assert.ok(gradient.some((g) => Math.abs(g) > 1e-3), `${name}: gradient is all but zero`);
      for (const index of [0, Math.floor(gradient.length / 2), gradient.length - 1]) {
        const h = 1e-5;
        const numeric = ((await lossAt(name, index, h)) - (await lossAt(name, index, -h))) / (2 * h);
        assert.ok(Math.abs(numeric - gradient[index]) < 1e-6 + 1e-4 * Math.abs(numeric), `${name}[${index}]: autodiff ${gradient[index]} vs numeric ${numeric}`);
      }
    }
  } finally {
    await session.release();
  }
});
