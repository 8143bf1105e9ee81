// Sequence packing (train/packing.ts, batching.makeRowsBatch, models/layers.packedAttentionBias): an optimizer step
// over examples packed several to a row equals the step over the same examples one to a row — the same loss,
// gradient norm and updated weights — for RoPE (Llama), learned absolute positions (GPT-2) and sliding windows
// (Gemma 2, a window of 3 inside examples of 6 to 20 tokens).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveTrainingArguments } from '../../../contracts/src/training-arguments';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { makeBatch, makeRowsBatch } from '../../../engine/src/train/batching';
import { createFullPlan } from '../../../engine/src/train/methods/full';
import { packRows } from '../../../engine/src/train/packing';
import { createTrainingSession } from '../../../engine/src/train/step-graph';
import { writeTinyModel } from '../models/tiny-model';
import { assertCloseToScale, partlyTrainedExamples } from './step-equality';

const ROW_LENGTH = 32;

/**
 * Full fine-tuning (every weight trains), no clipping, the same step on both sessions, twice. AdamW's ε sits well
 * above float noise: a weight without gradient (GPT-2's key bias, which softmax ignores) would otherwise step by
 * the sign of its rounding noise.
 */
async function assertPackedStepEqualsUnpacked(model: ModelFolder, dir: string): Promise<void> {
  const data = partlyTrainedExamples(model.config.vocabSize, 3);
  const rows = packRows(data.map((example) => example.ids.length), ROW_LENGTH, 5, 0);
  assert.ok(rows.length < data.length, `packing left ${rows.length} rows for ${data.length} examples`);
  const packed = makeRowsBatch(data, rows, 0, 8, true);
  const unpacked = makeBatch(data, data.map((_, index) => index), 0);
  assert.equal(packed.targetTokens, unpacked.targetTokens);
  assert.ok(packed.sequenceLength <= ROW_LENGTH);

  const session = (packing: boolean) => {
    const args = resolveTrainingArguments([{ model: model.dir, data: 'unused.jsonl', out: join(dir, 'unused'), method: 'full', maxGradNorm: 0, adamEpsilon: 1e-4, lr: 1e-3, threads: 1, device: 'cpu', packing }]);
    return createTrainingSession(model, createFullPlan(model), args);
  };
  const [alone, together] = [await session(false), await session(true)];
  try {
    for (const step of [1, 2]) {
      const hyper = { learningRate: 1e-3, step };
      const [expected, actual] = [await alone.step([unpacked], hyper), await together.step([packed], hyper)];
      assert.ok(expected.applied && actual.applied);
      assert.ok(Math.abs(actual.loss - expected.loss) <= 1e-5 * expected.loss, `step ${step} loss: ${actual.loss} vs ${expected.loss}`);
      assert.ok(Math.abs(actual.gradNorm - expected.gradNorm) <= 1e-4 * expected.gradNorm, `step ${step} gradient norm: ${actual.gradNorm} vs ${expected.gradNorm}`);
      alone.trainable.forEach((tensor, index) => {
        const other = together.trainable[index];
        assert.equal(other.name, tensor.name);
        assertCloseToScale(other.firstMoment, tensor.firstMoment, `step ${step} ${tensor.name} gradient (first moment)`, 1e-6);
        assertCloseToScale(other.value, tensor.value, `step ${step} ${tensor.name}`, 1e-6);
      });
    }
  } finally {
    await alone.release();
    await together.release();
  }
}

for (const arch of ['llama', 'gpt2'] as const) {
  test(`${arch}: a packed step equals the unpacked step over the same examples`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finetune-packing-'));
    try {
      initModel({ arch, size: 'tiny', out: join(dir, 'model'), seed: 3 });
      await assertPackedStepEqualsUnpacked(loadModelFolder(join(dir, 'model')), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('gemma2 (sliding window 3 on every other layer): a packed step equals the unpacked step', async () => {
  const tiny = writeTinyModel({
    model_type: 'gemma2', vocab_size: 41, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, head_dim: 8,
    num_attention_heads: 2, num_key_value_heads: 1, rope_theta: 100, query_pre_attn_scalar: 8, sliding_window: 3,
    attn_logit_softcapping: 5, final_logit_softcapping: 10, max_position_embeddings: 64,
  });
  try {
    await assertPackedStepEqualsUnpacked(loadModelFolder(tiny.dir, { requireTokenizer: false }), tiny.dir);
  } finally {
    tiny.cleanup();
  }
});

test('packing is first fit, longest first, deterministic under the seed; a row-length example stays alone', () => {
  const lengths = [20, 17, 14, 11, 9, 6, 32];
  const rows = packRows(lengths, 32, 5, 0);
  assert.deepEqual(rows, packRows(lengths, 32, 5, 0));
  const sorted = rows.map((row) => [...row].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(sorted, [[0, 3], [1, 2], [4, 5], [6]]);
  for (const row of rows) assert.ok(row.reduce((sum, index) => sum + lengths[index], 0) <= 32);
});
