// Gradient accumulation through the production step graph (step-graph.ts: one graph, `loss_weight`-seeded
// gradients summed into `acc.*`, AdamW on the last micro-batch): an optimizer step over k micro-batches equals one
// step over the batch they make up — the same loss, gradient norm, AdamW moments and updated weights. The
// micro-batches hold different numbers of target tokens, so a mean of per-micro-batch means would not match.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveTrainingArguments } from '../../../contracts/src/training-arguments';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { makeBatch } from '../../../engine/src/train/batching';
import { createFullPlan } from '../../../engine/src/train/methods/full';
import { createTrainingSession } from '../../../engine/src/train/step-graph';
import type { TrainingSession } from '../../../engine/src/train/types';
import { assertCloseToScale, partlyTrainedExamples } from './step-equality';

const MICRO_BATCHES = [[0, 1], [2, 3, 4], [5]];

let dir: string;
let model: ModelFolder;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-accumulation-'));
  initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'model'), seed: 3 });
  model = loadModelFolder(join(dir, 'model'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Full fine-tuning (every weight trains), no clipping (so the first moments are exactly 0.1 × the gradient). */
async function session(gradAccumulation: number): Promise<TrainingSession> {
  const args = resolveTrainingArguments([{ model: model.dir, data: 'unused.jsonl', out: join(dir, 'unused'), method: 'full', gradAccumulation, maxGradNorm: 0, lr: 1e-3, threads: 1, device: 'cpu' }]);
  return createTrainingSession(model, createFullPlan(model), args);
}

test('k micro-batches through the step graph make the same optimizer step as their one big batch', async () => {
  const data = partlyTrainedExamples(model.config.vocabSize);
  const big = makeBatch(data, MICRO_BATCHES.flat(), 0);
  const micro = MICRO_BATCHES.map((indices) => makeBatch(data, indices, 0));
  const targets = micro.map((batch) => batch.targetTokens);
  assert.equal(new Set(targets).size, targets.length, `the micro-batches' target counts differ: ${targets}`);

  const once = await session(1);
  const accumulated = await session(MICRO_BATCHES.length);
  try {
    // two steps: the second starts from the first's moments and must begin its sums from zero again
    for (const step of [1, 2]) {
      const hyper = { learningRate: 1e-3, step };
      const [expected, actual] = [await once.step([big], hyper), await accumulated.step(micro, hyper)];
      assert.ok(expected.applied && actual.applied);
      assert.ok(Math.abs(actual.loss - expected.loss) <= 1e-5 * expected.loss, `step ${step} loss: ${actual.loss} vs ${expected.loss}`);
      assert.ok(Math.abs(actual.gradNorm - expected.gradNorm) <= 1e-4 * expected.gradNorm, `step ${step} gradient norm: ${actual.gradNorm} vs ${expected.gradNorm}`);
      once.trainable.forEach((tensor, index) => {
        const other = accumulated.trainable[index];
        assert.equal(other.name, tensor.name);
        assertCloseToScale(other.firstMoment, tensor.firstMoment, `step ${step} ${tensor.name} first moment`, 1e-7);
        assertCloseToScale(other.value, tensor.value, `step ${step} ${tensor.name}`, 1e-7);
      });
    }
  } finally {
    await once.release();
    await accumulated.release();
  }
});
