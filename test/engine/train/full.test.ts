// Full fine-tuning on the tiny model: every weight trains and the result is a loadable Hugging Face model folder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { loadChatTokenizer } from '../../../tokenizer/src/tokenizer';
import { loadTrainingFile } from '../../../engine/src/train/data';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { createFixture, type Fixture } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

test('full fine-tuning lowers the loss and writes a model folder with changed weights', async () => {
  const args = fixture.args({ out: 'full', method: 'full', steps: 16, lr: 3e-3 });
  const result = await train(args);
  assert.equal(result.status, 'done');
  const events = readFileSync(join(args.out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const curve = events.filter((event): event is StepEvent => event.type === 'step');
  assert.ok(curve.at(-1)!.loss < curve[0].loss * 0.7, `${curve[0].loss} → ${curve.at(-1)!.loss}`);

  const base = loadModelFolder(fixture.model);
  const tuned = loadModelFolder(join(args.out, 'model'));
  assert.deepEqual(tuned.weights.names().sort(), base.weights.names().sort());
  assert.ok(tuned.tokenizer, 'tokenizer files are copied');
  const name = 'model.layers.0.self_attn.q_proj.weight';
  const before = base.weights.readFloat32(name);
  const after = tuned.weights.readFloat32(name);
  assert.ok(after.some((value, index) => value !== before[index]));
});

test('gradient accumulation over micro-batches trains too', async () => {
  const args = fixture.args({ out: 'accumulate', steps: 8, batchSize: 4, gradAccumulation: 2 });
  const result = await train(args);
  assert.equal(result.status, 'done');
  const events = readFileSync(join(args.out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const curve = events.filter((event): event is StepEvent => event.type === 'step');
  assert.equal(curve.length, 8);
  // Two micro-batches of 4 cover the 8 examples: a step counts the tokens of both.
  const tokenizer = loadChatTokenizer(fixture.model);
  const whole = await loadTrainingFile(fixture.data, tokenizer, { maxSeqLen: args.maxSeqLen, modelDir: fixture.model });
  assert.ok(curve.every((event) => event.tokens === whole.tokens));
  assert.ok(curve.at(-1)!.loss < curve[0].loss);
});
