// The step graph's memory diet keeps training exact: gradient checkpointing reproduces the loss curve, and dropout
// (whose masks a recomputation would redraw) is refused with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent, StepEvent } from '../../../engine/src/train/run-dir';
import { lossChunksFor } from '../../../engine/src/train/step-graph';
import { createFixture, type Fixture } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

function losses(runDir: string): number[] {
  const events = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  return events.filter((event): event is StepEvent => event.type === 'step').map((event) => event.loss);
}

test('--gradient-checkpointing follows the loss curve of a plain run (lora and full)', async () => {
  for (const method of ['lora', 'full'] as const) {
    const plain = fixture.args({ out: `${method}-plain`, method, steps: 6, lr: method === 'full' ? 1e-3 : 1e-2 });
    const checkpointed = fixture.args({ out: `${method}-checkpointed`, method, steps: 6, lr: method === 'full' ? 1e-3 : 1e-2, gradientCheckpointing: true });
    assert.equal((await train(plain)).status, 'done');
    assert.equal((await train(checkpointed)).status, 'done');
    const expected = losses(plain.out);
    const actual = losses(checkpointed.out);
    assert.equal(actual.length, 6);
    actual.forEach((loss, index) => assert.ok(Math.abs(loss - expected[index]) <= 1e-5 * Math.abs(expected[index]), `${method} step ${index + 1}: ${loss} vs ${expected[index]}`));
  }
});

test('--gradient-checkpointing with LoRA dropout is refused before any work', async () => {
  await assert.rejects(train(fixture.args({ out: 'dropout', steps: 1, dropout: 0.1, gradientCheckpointing: true })), /dropout/);
});

test('the loss is chunked once a micro-batch has more than 64 MB of logits', () => {
  assert.equal(lossChunksFor(8192, 8 * 128), 1);
  assert.equal(lossChunksFor(151_936, 4 * 256), 10);
});
