// Issue #14 item 4 through the bundled CLI (built fresh, cli-bundle.ts): one valid 30 MB record used to take minutes and
// gigabytes (an out-of-memory abort on smaller heaps) though all but its first max-seq-len tokens are dropped.
// Now it trains in seconds under a 1 GB heap, counted as truncated.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chatJsonl, createFixture, FACTS, type Fixture } from '../engine/train/helpers';
import { cliBundle } from './cli-bundle';

const BIN = cliBundle();

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());

test('a single 30 MB record trains quickly under a 1 GB heap, cut to --max-seq-len', () => {
  const data = join(fixture.dir, 'huge.jsonl');
  const answer = 'All work and no play makes a dull model. '.repeat(750_000); // 30.75 MB
  writeFileSync(data, JSON.stringify({ messages: [{ role: 'user', content: 'Tell me a story.' }, { role: 'assistant', content: answer }] }) + '\n' + chatJsonl(FACTS));
  const out = join(fixture.dir, 'huge-run');
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--max-old-space-size=1024', BIN, 'train', '--model', fixture.model, '--data', data, '--out', out, '--steps', '1', '--max-seq-len', '256', '--device', 'cpu', '--threads', '1'], { encoding: 'utf8', timeout: 120_000 });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.signal, null, `killed after ${seconds.toFixed(0)} s; stderr: ${result.stderr.slice(-2000)}`);
  assert.equal(result.status, 0, result.stderr.slice(-2000));
  assert.ok(seconds < 60, `${seconds.toFixed(1)} s`);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'done');
  assert.equal(run.resolved.truncatedExamples, 1);
  assert.equal(run.resolved.trainExamples, FACTS.length + 1);
});
