// Reading a run directory from outside the trainer: metrics.jsonl tailed line by line (a half-written last line waits,
// a bad line is reported with its location), status from the last terminal event or the worker's liveness, key
// figures (ETA from the average step time), and run folders listed newest first.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { listRunDirectories, MetricsReader, statusFromFiles } from '../../extension/src/training/run-directory';
import type { RunEvent } from '../../contracts/src/run/run-events';
import { applyResolved, snapshotOf } from '../../contracts/src/run/run-snapshot';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'run-directory-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const step = (n: number, elapsedMs = n * 100): RunEvent => ({ type: 'step', step: n, loss: 5 - n / 10, lr: 1e-3, tokens: n * 64, tokensPerSecond: 640, elapsedMs });

describe('run directory', () => {
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
    assert.equal(statusFromFiles([step(1), { type: 'error', step: 1, message: 'x', elapsedMs: 100 }], undefined).status, 'failed');
    assert.equal(statusFromFiles([step(1)], { pid: process.pid, startedAt: '', resume: false }).status, 'running');
    assert.equal(statusFromFiles([step(1)], undefined).status, 'failed', 'no worker and no end: it died');
  });

  it('folds key figures, with the ETA from the average step time', () => {
    const snapshot = applyResolved(snapshotOf([step(1), step(2), { type: 'eval', step: 2, loss: 4.5, tokens: 10, elapsedMs: 250 }, step(3), step(4)]), { totalSteps: 10, device: 'cpu', deviceDescription: 'device: cpu (cuda unavailable (no library))' });
    assert.equal(snapshot.step, 4);
    assert.equal(snapshot.loss, 4.6);
    assert.equal(snapshot.bestEvalLoss, 4.5);
    assert.equal(snapshot.etaMs, 600); // 6 steps left at 100 ms each
    assert.equal(snapshot.device, 'cpu');
    assert.match(snapshot.deviceDescription ?? '', /cuda unavailable/);
    assert.equal(snapshotOf([step(1), { type: 'done', step: 1, elapsedMs: 100, output: 'adapter' }]).etaMs, undefined);
  });

  it('shows a GPU device with the adapter that ran it', () => {
    const snapshot = applyResolved(snapshotOf([step(1)]), { totalSteps: 10, device: 'webgpu', adapter: 'Vulkan: SwiftShader (software)', deviceDescription: 'device: webgpu (Vulkan: SwiftShader (software))' });
    assert.equal(snapshot.device, 'webgpu (Vulkan: SwiftShader (software))');
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
