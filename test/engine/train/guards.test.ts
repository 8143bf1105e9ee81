// The trainer's refusals and stops: data with lint errors (named by file:line), a diverging run (error event, the
// last checkpoint kept, no adapter), a run folder that already holds a run; and assistant-only loss masks.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadChatTokenizer } from '../../../tokenizer/src/tokenizer';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { loadTrainingFile } from '../../../engine/src/train/data';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import { chatJsonl, createFixture, FACTS, type Fixture } from './helpers';
import { UserError } from '../../../contracts/src/user-error';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

test('a dataset with lint errors is refused, naming file and line', async () => {
  const file = join(fixture.dir, 'broken.jsonl');
  const lines = chatJsonl(FACTS.slice(0, 4)).trim().split('\n');
  lines.splice(2, 0, '{"messages": [ {"role": "user", "content": "cut off"');
  writeFileSync(file, lines.join('\n') + '\n');
  const args = fixture.args({ out: 'refused', data: file });
  await assert.rejects(train(args), (error: Error) => error instanceof UserError && error.code === 'dataset' && error.message.includes(`${file}:3:`));
  const run = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'error');
});

test('the loss mask covers the assistant reply and its end-of-turn token only', async () => {
  const tokenizer = loadChatTokenizer(fixture.model);
  const data = await loadTrainingFile(fixture.data, tokenizer, { maxSeqLen: 512, modelDir: fixture.model });
  assert.equal(data.examples.length, FACTS.length);
  for (const [index, example] of data.examples.entries()) {
    const trained = example.ids.filter((_, position) => example.trainedMask[position] === 1);
    const untrained = example.ids.filter((_, position) => example.trainedMask[position] === 0);
    const [question, answer] = FACTS[index];
    const trainedText = tokenizer.decode(trained);
    assert.ok(trainedText.startsWith(answer), trainedText);
    assert.ok(tokenizer.endOfTurnTokenIds.includes(trained[trained.length - 1]), 'the last trained token ends the turn');
    assert.ok(!trainedText.includes(question));
    assert.ok(tokenizer.decode(untrained).includes(question));
    // Trained tokens are one contiguous run (a single assistant turn).
    const first = example.trainedMask.indexOf(1);
    const last = example.trainedMask.lastIndexOf(1);
    assert.equal(trained.length, last - first + 1);
  }
});

test('truncation to max-seq-len is counted', async () => {
  const tokenizer = loadChatTokenizer(fixture.model);
  const data = await loadTrainingFile(fixture.data, tokenizer, { maxSeqLen: 12, modelDir: fixture.model });
  assert.ok(data.truncated > 0);
  for (const example of data.examples) assert.ok(example.ids.length <= 12);
  assert.equal(data.examples.length + data.skipped, FACTS.length);
});

test('a diverging run stops with an error event and keeps its last good checkpoint', async () => {
  const args = fixture.args({ out: 'diverge', lr: 1e38, steps: 6, saveEvery: 1, maxGradNorm: 0 });
  const result = await train(args);
  assert.equal(result.status, 'error');
  const events = readFileSync(join(args.out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  const last = events.at(-1)!;
  assert.equal(last.type, 'error');
  assert.ok(last.step <= 6);
  assert.equal(existsSync(join(args.out, 'adapter')), false);
  const run = JSON.parse(readFileSync(join(args.out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'error');
  if (result.lastCheckpoint) {
    const header = readSafetensorsHeader(join(result.lastCheckpoint, 'trainable.safetensors'));
    for (const info of header.tensors.values()) assert.ok(readTensorFloat32(info).every(Number.isFinite), info.name);
  }
});

test('a finished run folder is not overwritten without --resume', async () => {
  const args = fixture.args({ out: 'twice', steps: 1 });
  await train(args);
  await assert.rejects(train(args), (error: Error) => error.name === 'UserError');
});
