// The builder's outputs and hooks on tiny random models, against the naive float64 reference in reference.ts:
// log-prob and loss heads, prompt-tuning virtual tokens, Mistral's sliding window, and the linear hook's contract.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, ops, tensor } from '../../../engine/src/graph';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { initializerParameters } from '../../../engine/src/models/parameters';
import { buildCausalLM } from '../../../engine/src/models/registry';
import type { CausalLMOptions, LinearCall } from '../../../engine/src/models/types';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { logSoftmaxRow, referenceLogits } from './reference';
import { TINY_CONFIGS, writeTinyModel } from './tiny-model';

const TOLERANCE = 2e-4;
const IDS = [5, 17, 3, 29, 11, 8, 40, 2];

async function runGraph(graph: Graph, feeds: Record<string, ReturnType<typeof tensor>>) {
  const { session } = await openGraphSession(graph, { device: 'cpu' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function plainFeeds(ids: number[]) {
  return { input_ids: tensor('int64', [1, ids.length], ids), attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)) };
}

function buildWith(folder: ModelFolder, options: Omit<CausalLMOptions, 'parameter'>, extra?: (graph: Graph) => Partial<CausalLMOptions>): Graph {
  const graph = new Graph();
  const parameter = initializerParameters(graph, folder.weights);
  buildCausalLM(graph, folder.config, { parameter, ...options, ...extra?.(graph) });
  return graph;
}

describe('model heads and hooks (qwen2 tiny)', () => {
  let model: { dir: string; cleanup: () => void };
  let folder: ModelFolder;
  let reference: Float64Array[];

  before(() => {
    model = writeTinyModel(TINY_CONFIGS.qwen2, 7);
    folder = loadModelFolder(model.dir, { requireTokenizer: false });
    reference = referenceLogits(folder.config, (name) => folder.weights.readFloat32(name), IDS);
  });
  after(() => model.cleanup());

  test('token log-probs are log p(token | previous tokens), 0 for the first', async () => {
    const { graph } = buildInferenceGraph(folder, { output: { kind: 'token-logprobs' } });
    const out = await runGraph(graph, plainFeeds(IDS));
    const logprobs = out.token_logprobs.data as Float32Array;
    assert.deepEqual(out.token_logprobs.dims, [1, IDS.length]);
    assert.equal(logprobs[0], 0);
    for (let t = 1; t < IDS.length; t++) {
      const expected = logSoftmaxRow(reference[t - 1])[IDS[t]];
      assert.ok(Math.abs(logprobs[t] - expected) < TOLERANCE, `position ${t}: ${logprobs[t]} vs ${expected}`);
    }
  });

  test('loss follows transformers: shifted labels, -100 ignored, mean or sum', async () => {
    const labels = [...IDS];
    labels[3] = -100;
    labels[6] = -100;
    const expectedTokens = IDS.map((_, t) => (t + 1 < IDS.length && labels[t + 1] !== -100 ? -logSoftmaxRow(reference[t])[labels[t + 1]] : 0));
    const counted = expectedTokens.filter((_, t) => t + 1 < IDS.length && labels[t + 1] !== -100).length;
    const expectedSum = expectedTokens.reduce((a, b) => a + b, 0);
    for (const reduction of ['mean', 'sum'] as const) {
      const graph = buildWith(folder, { output: { kind: 'loss', reduction } });
      const out = await runGraph(graph, { ...plainFeeds(IDS), labels: tensor('int64', [1, IDS.length], labels) });
      const expected = reduction === 'mean' ? expectedSum / counted : expectedSum;
      assert.ok(Math.abs((out.loss.data as Float32Array)[0] - expected) < TOLERANCE * 10, `${reduction}: ${out.loss.data[0]} vs ${expected}`);
      const tokenLosses = out.token_losses.data as Float32Array;
      expectedTokens.forEach((value, t) => assert.ok(Math.abs(tokenLosses[t] - value) < TOLERANCE, `token ${t}`));
    }
  });

  test('virtual tokens are prepended, attended, and dropped from the outputs', async () => {
    const hidden = folder.config.hiddenSize;
    const prefix = [0, 1, 2].map((row) => Float32Array.from({ length: hidden }, (_, i) => Math.sin(row * 7 + i)));
    const graph = buildWith(folder, { output: { kind: 'logits' } }, (g) => ({ virtualTokens: g.initializer('prompt_embeddings', 'float32', [3, hidden], Float32Array.from(prefix.flatMap((r) => [...r]))) }));
    const out = await runGraph(graph, plainFeeds(IDS));
    assert.deepEqual(out.logits.dims, [1, IDS.length, folder.config.vocabSize]);
    const expected = referenceLogits(folder.config, (name) => folder.weights.readFloat32(name), IDS, { prefix });
    const logits = out.logits.data as Float32Array;
    let worst = 0;
    expected.forEach((row, t) => row.forEach((value, v) => (worst = Math.max(worst, Math.abs(logits[t * row.length + v] - value)))));
    assert.ok(worst < TOLERANCE, `max difference ${worst}`);
    // And the prefix matters: plain logits differ.
    assert.ok(Math.abs(logits[0] - reference[0][0]) > 1e-3);
  });

  test('the linear hook sees every projection under its transformers name, and can change it', async () => {
    const seen: LinearCall[] = [];
    const graph = buildWith(folder, { output: { kind: 'logits' } }, () => ({
      linear: (call, base) => {
        seen.push(call);
        // A zero-initialised LoRA-style branch on q_proj and v_proj only: output unchanged.
        if (!/\.(q_proj|v_proj)$/.test(call.module)) return base(call);
        const g = call.input.graph;
        const a = g.initializer(`${call.module}.lora_A`, 'float32', [2, call.inFeatures], new Float32Array(2 * call.inFeatures).fill(0.5));
        const b = g.initializer(`${call.module}.lora_B`, 'float32', [call.outFeatures, 2], new Float32Array(2 * call.outFeatures));
        return ops.add(base(call), ops.matmul(ops.matmul(call.input, ops.transpose(a, [1, 0])), ops.transpose(b, [1, 0])));
      },
    }));
    const modules = seen.map((call) => call.module);
    const perLayer = ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj'];
    const expected = [...[0, 1].flatMap((layer) => perLayer.map((name) => `model.layers.${layer}.${name}`)), 'lm_head'];
    assert.deepEqual([...modules].sort(), [...expected].sort());
    const q = seen.find((call) => call.module === 'model.layers.0.self_attn.q_proj')!;
    assert.deepEqual([q.inFeatures, q.outFeatures, q.weight.shape, q.bias?.shape], [24, 24, [24, 24], [24]]);
    const out = await runGraph(graph, plainFeeds(IDS));
    assert.ok(Math.abs((out.logits.data as Float32Array)[5] - reference[0][5]) < TOLERANCE);
  });
});

test('a sliding window limits attention as Mistral does', async () => {
  const config = { ...TINY_CONFIGS.llama, model_type: 'mistral', sliding_window: 3, rope_scaling: null };
  const model = writeTinyModel(config, 3);
  try {
    const folder = loadModelFolder(model.dir, { requireTokenizer: false });
    const { graph } = buildInferenceGraph(folder, { output: { kind: 'logits' } });
    const out = await runGraph(graph, plainFeeds(IDS));
    const expected = referenceLogits(folder.config, (name) => folder.weights.readFloat32(name), IDS);
    const unwindowed = referenceLogits({ ...folder.config, slidingWindow: null }, (name) => folder.weights.readFloat32(name), IDS);
    const logits = out.logits.data as Float32Array;
    const vocab = folder.config.vocabSize;
    const last = (IDS.length - 1) * vocab;
    let worst = 0;
    for (let v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(logits[last + v] - expected[IDS.length - 1][v]));
    assert.ok(worst < TOLERANCE, `max difference ${worst}`);
    assert.ok(Math.abs(logits[last] - unwindowed[IDS.length - 1][0]) > 1e-4, 'the window must change the last position');
  } finally {
    model.cleanup();
  }
});
