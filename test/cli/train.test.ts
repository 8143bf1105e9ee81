// `finetune train` through the real command line: plain progress lines when stderr is not a terminal, the run
// folder per the contract, and clear refusals (unsupported method, missing flag, a folder holding a run) with exit code 1.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createFixture, type Fixture } from '../engine/train/helpers';
import { assertOneLineError, finetune } from './finetune-cli';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

test('train writes the run folder and prints one progress line per step', () => {
  const out = join(fixture.dir, 'cli-run');
  const result = finetune('train', '--model', fixture.model, '--data', fixture.data, '--out', out, '--steps', '3', '--batch-size', '8', '--rank', '4', '--target-modules', 'q_proj,v_proj', '--device', 'cpu', '--threads', '1');
  assert.equal(result.status, 0, result.stderr);
  const stepLines = result.stderr.split('\n').filter((line) => /^step \d+\/3 /.test(line));
  assert.equal(stepLines.length, 3);
  assert.ok(stepLines.every((line) => /loss \d+\.\d+/.test(line) && /tok\/s/.test(line) && /ETA/.test(line)));
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'done');
  assert.equal(run.config.method, 'lora');
  assert.equal(run.resolved.totalSteps, 3);
  assert.ok(existsSync(join(out, 'adapter', 'adapter_model.safetensors')));
  const last = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!);
  assert.equal(last.type, 'done');
});

test('a folder that already holds a run is refused in one line, exit code 1, without --resume', () => {
  const out = join(fixture.dir, 'finished-run');
  mkdirSync(out);
  writeFileSync(join(out, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: {}, resolved: {}, startedAt: '', updatedAt: '', step: 3 }));
  const result = finetune('train', '--model', fixture.model, '--data', fixture.data, '--out', out, '--steps', '1', '--device', 'cpu', '--threads', '1');
  assertOneLineError(result, /already holds a run .*--resume/);
});

test('unknown methods, bad method options and missing flags are refused with exit code 1', () => {
  for (const [flag, value] of [['--method', 'dora'], ['--quant-type', 'fp8']]) {
    const result = finetune('train', '--model', fixture.model, '--data', fixture.data, '--out', join(fixture.dir, value), flag, value);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(flag));
    assert.equal(existsSync(join(fixture.dir, value)), false);
  }
  const missing = finetune('train', '--data', fixture.data, '--out', join(fixture.dir, 'none'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--model/);
});

test('data whose trained tokens all fall beyond --max-seq-len is one located line, exit 1', () => {
  const out = join(fixture.dir, 'too-short');
  const result = finetune('train', '--model', fixture.model, '--data', fixture.data, '--out', out, '--max-seq-len', '4', '--steps', '1');
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /no example has a trained token to learn from \(the assistant turns of \d+ record\(s\) start beyond --max-seq-len 4/);
});

test('--config supplies options the command line does not override', () => {
  const out = join(fixture.dir, 'from-config');
  const first = join(fixture.dir, 'cli-run', 'run.json');
  const result = finetune('train', '--config', first, '--out', out, '--steps', '2');
  assert.equal(result.status, 0, result.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.config.rank, 4);
  assert.equal(run.resolved.totalSteps, 2);
});
