import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultWarmupSteps, learningRateAt } from '../../../engine/src/train/schedule';

const options = { peakLr: 1e-3, totalSteps: 111, warmupSteps: 10, minLrRatio: 0.1 };

test('warmup rises linearly to the peak', () => {
  assert.equal(learningRateAt(1, options), 1e-4);
  assert.equal(learningRateAt(5, options), 5e-4);
  assert.equal(learningRateAt(10, options), 1e-3);
});

test('cosine decays from the peak to peak × minLrRatio at the last step, half-way at the middle', () => {
  assert.equal(learningRateAt(11, options), 1e-3);
  assert.ok(Math.abs(learningRateAt(61, options) - (1e-4 + 0.5 * 9e-4)) < 1e-12);
  assert.ok(Math.abs(learningRateAt(111, options) - 1e-4) < 1e-12);
  for (let step = 11; step < 111; step++) assert.ok(learningRateAt(step + 1, options) <= learningRateAt(step, options));
});

test('no warmup starts at the peak', () => {
  assert.equal(learningRateAt(1, { ...options, warmupSteps: 0, totalSteps: 100 }), 1e-3);
});

test('default warmup is 5% of longer runs and none for very short ones', () => {
  assert.equal(defaultWarmupSteps(200), 10);
  assert.equal(defaultWarmupSteps(8), 0);
  assert.equal(defaultWarmupSteps(12), 1);
});
