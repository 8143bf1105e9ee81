// Reading a run folder from outside the trainer: metrics.jsonl tailed line by line (a half-written last line waits,
// a bad line is reported with its location), status from the last terminal event or the worker's liveness, and run
// folders listed newest first.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import { listRunDirectories } from '../../../engine/src/run-folder/list-runs';
import { MetricsReader } from '../../../engine/src/run-folder/metrics-reader';
import { statusFromFiles } from '../../../engine/src/run-folder/run-state';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'run-folder-readers-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const step = (n: number, elapsedMs = n * 100): RunEvent => ({ type: 'step', step: n, loss: 5 - n / 10, lr: 1e-3, tokens: n * 64, tokensPerSecond: 640, elapsedMs });

describe('run folder readers', () => {
  it('tails metrics.jsonl: whole lines only, new events per read, bad lines located', () => {
    const file = path.join(root, 'tail.jsonl');
    const reader = new MetricsReader(file);
    assert.deepEqual(reader.read(), [], 'no file yet');
    fs.writeFileSync(file, `${JSON.stringify(step(1))}\n${JSON.stringify(step(2)).slice(0, 20)}`);
    assert.deepEqual(reader.read().map((event) => event.type === 'step' && event.step), [1]);
    fs.appendFileSync(file, `${JSON.stringify(step(2)).slice(20)}\n{"type":"step","step":3,"loss":"high","lr":1}\n{"type":"future-kind"}\n`);
    assert.deepEqual(reader.read().map((event) => event.type === 'step' && event.step), [2]);
    assert.equal(reader.errors.length, 1);
    assert.match(reader.errors[0], new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: 'step' event, key 'loss'`));
    assert.deepEqual(reader.read(), []);
  });

  it('takes the status from the last terminal event, else from the worker process', () => {
    assert.equal(statusFromFiles([step(1), { type: 'cancelled', step: 1, elapsedMs: 100 }], undefined).status, 'cancelled');
    assert.equal(statusFromFiles([step(1), { type: 'error', step: 1, message: 'x', elapsedMs: 100 }], undefined).status, 'error');
    assert.equal(statusFromFiles([step(1)], { pid: process.pid, startedAt: '', resume: false }).status, 'running');
    assert.equal(statusFromFiles([step(1)], undefined).status, 'error', 'no worker and no end: it died');
  });

  it('lists run folders newest first and ignores other folders', () => {
    const runs = path.join(root, 'runs');
    for (const [name, file, age] of [['old', 'run.json', 3000], ['new', 'metrics.jsonl', 0], ['notes', 'README.md', 0]] as const) {
      fs.mkdirSync(path.join(runs, name), { recursive: true });
      const target = path.join(runs, name, file);
      fs.writeFileSync(target, '{}');
      const time = new Date(Date.now() - age * 1000);
      fs.utimesSync(target, time, time);
    }
    assert.deepEqual(listRunDirectories(runs).map((dir) => path.basename(dir)), ['new', 'old']);
    assert.deepEqual(listRunDirectories(path.join(root, 'missing')), []);
  });
});
