// A model whose chat template never ends (`range(10**9)` once aborted the process with a V8 fatal error): `finetune
// train` stops quickly with one located line and exit code 1; `finetune lint` says so on one located line and lints
// with estimated token counts, as for any model folder whose tokenizer cannot load.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createFixture, type Fixture } from '../engine/train/helpers';
import { finetune } from './finetune-cli';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
  const configFile = join(fixture.model, 'tokenizer_config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  writeFileSync(configFile, JSON.stringify({ ...config, chat_template: '{% for i in range(10**9) %}x{% endfor %}' }));
  writeFileSync(join(fixture.dir, 'finetune.config.json'), JSON.stringify({ baseModel: fixture.model }));
});
after(() => fixture.cleanup());

function assertOneLocatedLine(result: ReturnType<typeof finetune>, started: number): void {
  assert.equal(result.status, 1, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /tokenizer_config\.json: key 'chat_template'/);
  assert.ok(performance.now() - started < 10_000);
}

test('train with a runaway chat template stops with one located line', () => {
  const started = performance.now();
  const result = finetune('train', '--model', fixture.model, '--data', fixture.data, '--out', join(fixture.dir, 'run'), '--steps', '1', '--device', 'cpu', '--threads', '1');
  assertOneLocatedLine(result, started);
});

test('lint with that model as baseModel reports it on one line and lints with estimated token counts', () => {
  const started = performance.now();
  const result = finetune('lint', fixture.data, '--config', join(fixture.dir, 'finetune.config.json'));
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.split('\n').filter((line) => line.includes("tokenizer_config.json: key 'chat_template'"));
  assert.equal(lines.length, 1, result.stdout);
  assert.match(lines[0], /^\S+data\.jsonl:1:1 .*token counts are estimates$/);
  assert.ok(performance.now() - started < 10_000);
});
