// A run's key figures folded from its events: the ETA from the average step time, the device with its adapter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent, StepEvent } from '../../contracts/src/run/run-events';
import { applyResolved, snapshotOf } from '../../contracts/src/run/run-snapshot';
import { formatAccuracy, formatReward, lossName, objectiveOf } from '../../contracts/src/run/run-objective';

const step = (n: number, elapsedMs = n * 100): RunEvent => ({ type: 'step', step: n, loss: 5 - n / 10, lr: 1e-3, tokens: n * 64, tokensPerSecond: 640, elapsedMs });

describe('run snapshot', () => {
  it('folds key figures, with the ETA from the average step time', () => {
    const snapshot = applyResolved(snapshotOf([step(1), step(2), { type: 'eval', step: 2, loss: 4.5, tokens: 10, elapsedMs: 250 }, step(3), step(4)]), { totalSteps: 10, device: 'cpu', deviceDescription: 'device: cpu (cuda unavailable (no library))' });
    assert.equal(snapshot.step, 4);
    assert.equal(snapshot.loss, 4.6);
    assert.equal(snapshot.bestEvalLoss, 4.5);
    assert.equal(snapshot.etaMs, 600); // 6 steps left at 100 ms each
    assert.equal(snapshot.device, 'cpu');
    assert.match(snapshot.deviceDescription ?? '', /cuda unavailable/);
    assert.equal(snapshotOf([step(1), { type: 'done', step: 1, elapsedMs: 100, output: 'adapter' }]).etaMs, undefined);
  });

  it('shows a GPU device with the adapter that ran it', () => {
    const snapshot = applyResolved(snapshotOf([step(1)]), { totalSteps: 10, device: 'webgpu', adapter: 'Vulkan: SwiftShader (software)', deviceDescription: 'device: webgpu (Vulkan: SwiftShader (software))' });
    assert.equal(snapshot.device, 'webgpu (Vulkan: SwiftShader (software))');
  });

  it('keeps a dpo run\'s last step and eval preference metrics; an sft run has none', () => {
    const dpoStep = (n: number, margin: number): RunEvent => ({ ...(step(n) as StepEvent), loss: Math.LN2 - n / 100, rewardsChosen: margin / 2, rewardsRejected: -margin / 2, margin, accuracy: 0.5 + n / 100 });
    const snapshot = snapshotOf([dpoStep(1, 0), dpoStep(2, 0.2), { type: 'eval', step: 2, loss: 0.6, tokens: 10, elapsedMs: 250, margin: 0.1, accuracy: 0.75 }, dpoStep(3, 0.4)]);
    assert.deepEqual(snapshot.preference, { rewardsChosen: 0.2, rewardsRejected: -0.2, margin: 0.4, accuracy: 0.53 });
    assert.deepEqual(snapshot.evalPreference, { margin: 0.1, accuracy: 0.75 });
    const sft = snapshotOf([step(1), step(2), { type: 'eval', step: 2, loss: 4.5, tokens: 10, elapsedMs: 250 }]);
    assert.equal(sft.preference, undefined);
    assert.equal(sft.evalPreference, undefined);
  });

  it('names the loss by the run\'s objective (run.json config; none recorded is sft)', () => {
    assert.equal(objectiveOf({ objective: 'dpo', beta: 0.1 }), 'dpo');
    assert.equal(objectiveOf({ method: 'lora' }), 'sft');
    assert.equal(objectiveOf(undefined), 'sft');
    assert.equal(lossName('dpo'), 'DPO loss');
    assert.equal(lossName('sft'), 'loss');
    assert.equal(formatReward(-0.31849), '-0.318');
    assert.equal(formatAccuracy(0.875), '88%');
    assert.equal(formatAccuracy(undefined), '–');
  });
});
