// A run's key figures folded from its events: the ETA from the average step time, the device with its adapter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../contracts/src/run/run-events';
import { applyResolved, snapshotOf } from '../../contracts/src/run/run-snapshot';

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
});
