// Preference tuning (--objective dpo) end to end on the tiny model: the first step's loss is exactly ln 2 (policy =
// reference), the loss falls and the reward accuracy rises, metrics carry TRL's preference metrics, gradient
// accumulation equals one big batch of pairs, and what dpo refuses is refused with one line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { train } from '../../../engine/src/train/loop';
import { ProgressBar } from '../../../engine/src/train/progress';
import type { EvalEvent, RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { resolveTrainingArguments } from '../../../contracts/src/training-arguments';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { createFullPlan } from '../../../engine/src/train/methods/full';
import { makePairBatch } from '../../../engine/src/train/preference-batching';
import type { TokenizedPair } from '../../../engine/src/train/preference-data';
import { createTrainingSession } from '../../../engine/src/train/step-graph';
import type { TrainingSession } from '../../../engine/src/train/types';
import { createFixture, FACTS, type Fixture } from './helpers';
import { assertCloseToScale, partlyTrainedExamples } from './step-equality';

let fixture: Fixture;
let preferences: string;
before(() => {
  fixture = createFixture();
  preferences = join(fixture.dir, 'preferences.jsonl');
  // chosen: the right answer; rejected: another fact's answer (explicit TRL form, message lists and strings)
  const lines = FACTS.map(([question, answer], index) => {
    const wrong = FACTS[(index + 3) % FACTS.length][1];
    return index % 2 === 0
      ? { prompt: [{ role: 'user', content: question }], chosen: [{ role: 'assistant', content: answer }], rejected: [{ role: 'assistant', content: `${wrong} Maybe.` }] }
      : { prompt: question, chosen: answer, rejected: `${wrong} Maybe.` };
  });
  writeFileSync(preferences, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
});
after(() => fixture.cleanup());

function events(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
}
const steps = (list: RunEvent[]) => list.filter((event): event is StepEvent => event.type === 'step');

test('DPO with LoRA starts at ln 2 and learns to prefer the chosen answers', async () => {
  const args = fixture.args({ out: 'dpo', data: preferences, objective: 'dpo', beta: 0.1, steps: 25, evalFraction: 0.25, evalEvery: 5 });
  const result = await train(args);
  assert.equal(result.status, 'done');
  const all = events(args.out);
  const curve = steps(all);
  // B = 0: policy and reference are the same computation, so z = 0 on every pair
  assert.ok(Math.abs(curve[0].loss - Math.LN2) < 1e-6, `first loss ${curve[0].loss}`);
  assert.equal(curve[0].margin, 0);
  assert.equal(curve[0].accuracy, 0);
  for (const key of ['rewardsChosen', 'rewardsRejected', 'margin', 'accuracy'] as const) assert.equal(typeof curve.at(-1)![key], 'number', key);
  assert.ok(curve.at(-1)!.loss < 0.5 * Math.LN2, `loss ${curve[0].loss} → ${curve.at(-1)!.loss}`);
  assert.ok(curve.at(-1)!.margin! > 0);
  const evals = all.filter((event): event is EvalEvent => event.type === 'eval');
  assert.ok(evals.length >= 2);
  assert.equal(typeof evals.at(-1)!.accuracy, 'number');
  const info = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8'));
  assert.equal(info.config.objective, 'dpo');
});

test('DPO micro-batches through the step graph make the same optimizer step as their one batch of pairs', async () => {
  const model = loadModelFolder(fixture.model);
  const sides = partlyTrainedExamples(model.config.vocabSize);
  const pairs: TokenizedPair[] = [0, 1, 2].map((pair) => ({ line: pair, chosen: sides[2 * pair], rejected: sides[2 * pair + 1] }));
  const session = async (gradAccumulation: number): Promise<TrainingSession> => {
    const args = resolveTrainingArguments([{ model: model.dir, data: 'unused.jsonl', out: join(fixture.dir, 'unused'), method: 'full', objective: 'dpo', beta: 0.5, gradAccumulation, maxGradNorm: 0, lr: 1e-3, threads: 1, device: 'cpu' }]);
    return createTrainingSession(model, createFullPlan(model), args);
  };
  const once = await session(1);
  const accumulated = await session(2);
  try {
    // the reference: the starting weights, as training computes it
    const reference = await once.sequenceLogprobs(makePairBatch(pairs, [0, 1, 2], 0));
    pairs.forEach((pair, index) => (pair.reference = { chosen: reference[index], rejected: reference[3 + index] }));
    const big = makePairBatch(pairs, [0, 1, 2], 0);
    const micro = [makePairBatch(pairs, [0], 0), makePairBatch(pairs, [1, 2], 0)];
    for (const step of [1, 2]) {
      const hyper = { learningRate: 1e-3, step };
      const [expected, actual] = [await once.step([big], hyper), await accumulated.step(micro, hyper)];
      assert.ok(expected.applied && actual.applied);
      if (step === 1) assert.ok(Math.abs(expected.loss - Math.LN2) < 1e-6, `step 1 loss ${expected.loss}`);
      assert.ok(Math.abs(actual.loss - expected.loss) <= 1e-5 * expected.loss, `step ${step} loss: ${actual.loss} vs ${expected.loss}`);
      assert.ok(Math.abs(actual.gradNorm - expected.gradNorm) <= 1e-4 * expected.gradNorm, `step ${step} gradient norm: ${actual.gradNorm} vs ${expected.gradNorm}`);
      assert.ok(Math.abs(actual.preference!.margin! - expected.preference!.margin!) <= 1e-5, `step ${step} margin`);
      once.trainable.forEach((tensor, index) => assertCloseToScale(accumulated.trainable[index].value, tensor.value, `step ${step} ${tensor.name}`, 1e-7));
    }
    assert.ok(once.trainable.some((tensor, index) => tensor.value.some((value, at) => value !== createFullPlan(model).trainable[index].value[at])), 'the weights moved');
  } finally {
    await once.release();
    await accumulated.release();
  }
});

test('a cancelled dpo run resumes on the uninterrupted curve (the reference is recomputed from the starting weights)', async () => {
  const whole = fixture.args({ out: 'dpo-whole', data: preferences, objective: 'dpo', steps: 8, batchSize: 4 });
  await train(whole);
  const reference = steps(events(whole.out));
  const interrupted = fixture.args({ out: 'dpo-parts', data: preferences, objective: 'dpo', steps: 8, batchSize: 4, saveEvery: 100 });
  const controller = new AbortController();
  const first = await train(interrupted, { signal: controller.signal, onEvent: (event) => event.type === 'step' && event.step === 3 && controller.abort() });
  assert.equal(first.status, 'cancelled');
  assert.equal((await train({ ...interrupted, resume: true })).status, 'done');
  const curve = steps(events(interrupted.out));
  assert.deepEqual(curve.map((event) => event.step), reference.map((event) => event.step));
  curve.forEach((event, index) => {
    assert.ok(Math.abs(event.loss - reference[index].loss) <= 1e-4, `step ${index + 1}: ${event.loss} vs ${reference[index].loss}`);
    assert.ok(Math.abs(event.margin! - reference[index].margin!) <= 1e-4, `step ${index + 1} margin`);
  });
});

test('dpo refuses prompt tuning, packing and non-preference data, each in one line', async () => {
  await assert.rejects(train(fixture.args({ out: 'r1', data: preferences, objective: 'dpo', method: 'prompt' })), /--objective dpo trains full, lora, qlora, not --method prompt/);
  await assert.rejects(train(fixture.args({ out: 'r2', data: preferences, objective: 'dpo', packing: true })), /--packing is not offered with --objective dpo/);
  await assert.rejects(train(fixture.args({ out: 'r3', objective: 'dpo' })), /data\.jsonl:1: --objective dpo needs preference records .* reads as 'messages'/);
});

test('the progress line shows margin and reward accuracy for dpo steps and evals, nothing more for sft', () => {
  let text = '';
  const bar = new ProgressBar({ write: (chunk) => (text += chunk), isTTY: false }, 10);
  const step = { type: 'step', step: 1, loss: 0.6931, lr: 1e-3, tokens: 100, tokensPerSecond: 50, elapsedMs: 2000 } as const;
  bar.event(step);
  bar.event({ ...step, step: 2, margin: 0.41234, accuracy: 0.75, rewardsChosen: 0.2, rewardsRejected: -0.21 });
  bar.event({ type: 'eval', step: 2, loss: 0.5, tokens: 40, elapsedMs: 2100, margin: -0.1, accuracy: 0.5 });
  const lines = text.trim().split('\n');
  assert.doesNotMatch(lines[0], /margin/);
  assert.match(lines[1], /loss 0\.6931 {2}margin 0\.412 {2}acc 75% {2}lr/);
  assert.match(lines[2], /^eval {2}step 2 {2}loss 0\.5000 {2}margin -0\.100 {2}acc 50%/);
});
