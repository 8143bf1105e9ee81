// A resumed run's handle: the history read before the worker started loses its old ending at once, and what came
// after the checkpoint once the trainer's `train/started` says where it continues (the trimming the trainer applies
// to metrics.jsonl), so the dashboard shows one continuous curve.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunEvent } from '../../contracts/src/run/run-events';
import { RunHandle } from '../../extension/src/training/run-handle';

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-handle-'));
after(() => fs.rmSync(runDir, { recursive: true, force: true }));

const step = (n: number): RunEvent => ({ type: 'step', step: n, loss: 2, lr: 1e-3, tokens: 8, tokensPerSecond: 80, elapsedMs: n * 100 });

describe('run handle of a resumed run', () => {
  it('drops the old ending at once and the steps past the checkpoint when the trainer starts', () => {
    const handle = new RunHandle(runDir, [step(1), step(2), step(3), { type: 'error', step: 4, message: 'diverged', elapsedMs: 400 }]);
    handle.resumedFromHistory();
    assert.deepEqual(handle.events, [step(1), step(2), step(3)]);
    assert.equal(handle.snapshot.ended, undefined);
    let resets = 0;
    handle.onReset(() => resets++);
    handle.started({ startStep: 2, resolved: { totalSteps: 6, device: 'cpu' } });
    assert.deepEqual(handle.events, [step(1), step(2)]);
    assert.equal(resets, 1);
    assert.equal(handle.snapshot.step, 2);
    assert.equal(handle.snapshot.totalSteps, 6);
    handle.pushEvent(step(3));
    assert.equal(handle.status, 'running');
    handle.pushEvent({ type: 'done', step: 3, elapsedMs: 300, output: 'adapter' });
    assert.equal(handle.status, 'done');
    handle.dispose();
  });
});
