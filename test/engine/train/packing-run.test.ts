// `--packing` through a whole run: it trains (the loss falls), evaluates, records packing in run.json's config, and
// refuses the methods whose virtual tokens need one example a row.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { createFixture, type Fixture } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

test('a packed LoRA run lowers the loss, evaluates and records packing in run.json', async () => {
  const args = fixture.args({ out: 'packed', packing: true, maxSeqLen: 128, batchSize: 2, steps: 12, evalFraction: 0.2 });
  const result = await train(args);
  assert.equal(result.status, 'done', result.message);
  const events = readFileSync(join(args.out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const curve = events.filter((event): event is StepEvent => event.type === 'step');
  assert.ok(curve.at(-1)!.loss < curve[0].loss, `${curve[0].loss} → ${curve.at(-1)!.loss}`);
  assert.ok(events.some((event) => event.type === 'eval' && Number.isFinite(event.loss)));
  const info = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8')) as { config: { packing: boolean } };
  assert.equal(info.config.packing, true);
});

test('--packing refuses prompt tuning before anything loads', async () => {
  await assert.rejects(train(fixture.args({ out: 'prompt', packing: true, method: 'prompt' })), /--packing does not combine with --method prompt/);
});
