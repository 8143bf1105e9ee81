import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchStream, IGNORE_INDEX, makeBatch, planEpoch, type TokenizedExample } from '../../../engine/src/train/batching';

function example(line: number, length: number, trainedFrom: number): TokenizedExample {
  const ids = Array.from({ length }, (_, i) => 10 + line * 100 + i);
  const trainedMask = Uint8Array.from({ length }, (_, i) => (i >= trainedFrom ? 1 : 0));
  return { line, ids, trainedMask };
}

test('a batch is right-padded to a bucketed length; labels cover trained tokens only', () => {
  const examples = [example(0, 5, 3), example(1, 11, 6)];
  const batch = makeBatch(examples, [0, 1], 0, 8);
  assert.equal(batch.sequenceLength, 16);
  assert.equal(batch.tokens, 16);
  assert.deepEqual(Array.from(batch.inputIds.slice(0, 8), Number), [10, 11, 12, 13, 14, 0, 0, 0]);
  assert.deepEqual(Array.from(batch.labels.slice(0, 8), Number), [IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX, 13, 14, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
  assert.deepEqual(Array.from(batch.attentionMask.slice(0, 8), Number), [1, 1, 1, 1, 1, 0, 0, 0]);
  assert.equal(batch.targetTokens, 2 + 5);
  assert.deepEqual(batch.lines, [0, 1]);
});

test('position 0 is never a target', () => {
  const batch = makeBatch([example(0, 4, 0)], [0], 0, 1);
  assert.equal(Number(batch.labels[0]), IGNORE_INDEX);
  assert.equal(batch.targetTokens, 3);
});

test('an epoch plan covers every example once, is deterministic by seed, and differs between epochs', () => {
  const lengths = Array.from({ length: 37 }, (_, i) => 5 + ((i * 7) % 23));
  const plan = planEpoch(lengths, 4, 1, 0);
  assert.deepEqual(plan.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  assert.deepEqual(planEpoch(lengths, 4, 1, 0), plan);
  assert.notDeepEqual(planEpoch(lengths, 4, 1, 1), plan);
  assert.notDeepEqual(planEpoch(lengths, 4, 2, 0), plan);
});

test('length sorting within windows pads less than a random order', () => {
  const lengths = Array.from({ length: 256 }, (_, i) => 8 + ((i * 37) % 120));
  const padded = (batches: number[][]) => batches.reduce((sum, b) => sum + b.length * Math.max(...b.map((i) => lengths[i])), 0);
  const unsorted = Array.from({ length: 64 }, (_, b) => [0, 1, 2, 3].map((k) => b * 4 + k));
  assert.ok(padded(planEpoch(lengths, 4, 3, 0)) < 0.8 * padded(unsorted));
});

test('a stream resumed from its position yields the same batches as the uninterrupted stream', () => {
  const examples = Array.from({ length: 10 }, (_, i) => example(i, 3 + i, 1));
  const whole = new BatchStream(examples, 3, 7, 0);
  const first = Array.from({ length: 9 }, () => whole.take());
  const part = new BatchStream(examples, 3, 7, 0);
  for (let i = 0; i < 5; i++) part.take();
  const resumed = new BatchStream(examples, 3, 7, 0, part.next);
  const rest = Array.from({ length: 4 }, () => resumed.take());
  assert.deepEqual(rest.map((b) => b.lines), first.slice(5).map((b) => b.lines));
  assert.ok(first.some((b, i) => i >= 4 && b.lines.length > 0));
});
