// The memory-saving graph forms compute the same thing: a chunked LM head + cross-entropy and per-layer gradient
// checkpointing give the loss, per-token losses and gradients of the plain graph (float64, to rounding), and the
// chunked graph holds no [tokens, vocab] tensor at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as ort from 'onnxruntime-node';
import { gradients } from '../../../engine/src/autodiff';
import { Graph, ops, tensor, type Value } from '../../../engine/src/graph';
import { parseModelConfig, type ModelConfig } from '../../../engine/src/io/config';
import { expectedTensors } from '../../../engine/src/io/tensor-layout';
import { buildCausalLM } from '../../../engine/src/models/registry';
import type { LinearHook } from '../../../engine/src/models/types';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { SeededRandom } from '../../../engine/src/train/random';

const CONFIGS: Record<string, ModelConfig> = {
  tied: parseModelConfig({
    model_type: 'qwen2', vocab_size: 37, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2,
    num_attention_heads: 2, num_key_value_heads: 1, rms_norm_eps: 1e-6, rope_theta: 100, tie_word_embeddings: true,
  }),
  untied: parseModelConfig({
    model_type: 'llama', vocab_size: 29, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2,
    num_attention_heads: 2, num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 100, tie_word_embeddings: false,
  }),
};

interface Variant {
  chunks?: number;
  checkpointLayers?: boolean;
  reduction?: 'mean' | 'sum';
  /** A LoRA-like trainable low-rank term on q_proj and lm_head, so captured trainable inputs are covered. */
  lora?: boolean;
}

function buildGraph(config: ModelConfig, variant: Variant): { graph: Graph; wrt: string[] } {
  const graph = new Graph({ name: 'memory-diet' });
  const parameters = new Map<string, Value>();
  for (const spec of expectedTensors(config)) parameters.set(spec.name, graph.input(spec.name, 'float64', spec.shape));
  const extra = new Map<string, Value>();
  // The hook runs again inside a recomputation: it makes its inputs once and reuses them.
  const lowRank = (name: string, shape: number[]) => extra.get(name) ?? extra.set(name, graph.input(name, 'float64', shape)).get(name)!;
  const linear: LinearHook | undefined = variant.lora
    ? (call, base) => {
        if (!call.module.endsWith('q_proj') && call.module !== 'lm_head') return base(call);
        const down = lowRank(`${call.module}.down`, [call.inFeatures, 2]);
        const up = lowRank(`${call.module}.up`, [2, call.outFeatures]);
        return ops.add(base(call), ops.matmul(ops.matmul(call.input, down), up));
      }
    : undefined;
  const model = buildCausalLM(graph, config, {
    parameter: (name) => parameters.get(name)!,
    ...(linear ? { linear } : {}),
    checkpointLayers: variant.checkpointLayers,
    output: { kind: 'loss', reduction: variant.reduction ?? 'mean', chunks: variant.chunks },
  });
  const wrtValues = [...parameters.values(), ...extra.values()];
  gradients(graph, model.outputs.loss!, wrtValues).forEach((grad, index) => graph.output(grad, `grad.${wrtValues[index].name}`));
  return { graph, wrt: wrtValues.map((value) => value.name) };
}

function feedsFor(config: ModelConfig, wrt: string[], graph: Graph): Record<string, ort.Tensor> {
  const random = new SeededRandom(5);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of graph.inputs) {
    if (!wrt.includes(input.name)) continue;
    const shape = input.shape as number[];
    const norm = input.name.endsWith('norm.weight');
    const data = Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (norm ? 1 : 0) + (random.next() - 0.5) * 0.8);
    feeds[input.name] = tensor('float64', shape, data);
  }
  const ids = Array.from({ length: 14 }, () => random.integer(config.vocabSize));
  feeds.input_ids = tensor('int64', [2, 7], ids);
  feeds.attention_mask = tensor('int64', [2, 7], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  feeds.labels = tensor('int64', [2, 7], ids.map((id, index) => (index === 2 || index >= 12 ? -100 : id)));
  return feeds;
}

async function run(config: ModelConfig, variant: Variant): Promise<Record<string, Float64Array>> {
  const { graph, wrt } = buildGraph(config, variant);
  // 'basic': the 'all' level fuses x·sigmoid(x) into QuickGelu, which has no float64 kernel.
  const { session } = await openGraphSession(graph, { device: 'cpu', runtime: { optimization: 'basic' } });
  try {
    const outputs = await session.run(feedsFor(config, wrt, graph));
    return Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, value.data as Float64Array]));
  } finally {
    await session.release();
  }
}

function assertClose(actual: Record<string, Float64Array>, expected: Record<string, Float64Array>, label: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), label);
  for (const [name, values] of Object.entries(expected)) {
    const scale = Math.max(1e-3, ...Array.from(values, Math.abs));
    values.forEach((value, index) => assert.ok(Math.abs(actual[name][index] - value) <= 1e-12 * scale, `${label}: ${name}[${index}] ${actual[name][index]} vs ${value}`));
  }
}

for (const [name, config] of Object.entries(CONFIGS)) {
  test(`${name}: chunked loss and layer checkpointing give the plain graph's loss, token losses and gradients`, async () => {
    for (const reduction of ['mean', 'sum'] as const) {
      for (const lora of [false, true]) {
        const plain = await run(config, { reduction, lora });
        assert.ok(Object.values(plain).every((values) => values.every(Number.isFinite)));
        // 3 chunks of 14 rows (5, 5, 4); 20 chunks leave most chunks empty.
        for (const variant of [{ chunks: 3 }, { chunks: 20 }, { checkpointLayers: true }, { chunks: 4, checkpointLayers: true }]) {
          assertClose(await run(config, { ...variant, reduction, lora }), plain, `${JSON.stringify({ ...variant, reduction, lora })}`);
        }
      }
    }
  });
}

/** Values of rank ≥ 2 whose last axis is the vocabulary and whose rows are all the tokens (not a chunk, not a weight). */
function fullLogitsValues(graph: Graph, vocab: number): string[] {
  const values = graph.nodes.flatMap((node) => node.outputs);
  return values.filter((value) => value.rank >= 2 && value.shape[value.rank - 1] === vocab && value.shape.some((dim) => typeof dim === 'string' && !dim.includes('_chunk'))).map(String);
}

test('the chunked graph has no [tokens, vocab] value; the plain one has', () => {
  const config = CONFIGS.tied;
  assert.ok(fullLogitsValues(buildGraph(config, {}).graph, config.vocabSize).length > 0);
  assert.deepEqual(fullLogitsValues(buildGraph(config, { chunks: 4, lora: true }).graph, config.vocabSize), []);
});

test('a checkpointed layer runs again in the backward, after the gradient that reaches it', () => {
  const config = CONFIGS.tied;
  const count = (graph: Graph, opType: string) => graph.nodes.filter((node) => node.opType === opType).length;
  const plain = buildGraph(config, {}).graph;
  const checkpointed = buildGraph(config, { checkpointLayers: true }).graph;
  // Attention probabilities: one Softmax per layer in the forward, one more per layer in the recomputation.
  assert.equal(count(checkpointed, 'Softmax'), count(plain, 'Softmax') + config.numLayers);
})
