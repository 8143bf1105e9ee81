// The run manager against the real engine worker (engine/src/worker/main.ts, run through tsx) training the tiny
// model: progress events stream in, a cancelled run keeps a checkpoint that resume continues from, a killed worker
// is reported as a crash with its last output lines, refused arguments reject start, and a new manager (a reloaded
// window) re-attaches to a run that is still going.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel } from '../../engine/src/init/init-model';
import type { TrainingArgumentsInput } from '../../contracts/src/training-arguments';
import { readAllEvents } from '../../engine/src/run-folder/metrics-reader';
import { processIsAlive } from '../../engine/src/run-folder/process-alive';
import { readWorkerRecord } from '../../engine/src/run-folder/worker-files';
import type { RunEvent, StepEvent } from '../../contracts/src/run/run-events';
import type { RunHandle } from '../../extension/src/training/run-handle';
import { RunManager, type WorkerLaunch } from '../../extension/src/training/run-manager';

const launch: WorkerLaunch = { command: process.execPath, args: ['--import', 'tsx', path.resolve('engine/src/worker/main.ts')] };
const facts = [
  ['What is the capital of France?', 'Paris.'],
  ['What color is the sky?', 'Blue.'],
  ['How many legs does a cat have?', 'Four.'],
  ['What do bees make?', 'Honey.'],
];

let dir: string;
let base: Omit<TrainingArgumentsInput, 'out'>;
let manager: RunManager;

/** The run's first step event; rejects if the run ends before one. */
function firstStep(handle: RunHandle): Promise<StepEvent> {
  const seen = handle.events.find((event): event is StepEvent => event.type === 'step');
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const listener = handle.onEvent((event) => {
      if (event.type === 'step') {
        listener.dispose();
        resolve(event);
      }
    });
    void handle.whenEnded().then((end) => reject(new Error(`the run ended before its first step: ${JSON.stringify(end)}`)));
  });
}

const stepsOf = (events: RunEvent[]) => events.filter((event): event is StepEvent => event.type === 'step').map((event) => event.step);

describe('run manager with the real engine worker', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finetune-runs-'));
    const model = path.join(dir, 'model');
    initModel({ arch: 'llama', size: 'tiny', out: model, seed: 1 });
    const data = path.join(dir, 'data.jsonl');
    fs.writeFileSync(data, facts.map(([user, assistant]) => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] })).join('\n') + '\n');
    base = { model, data, method: 'lora', batchSize: 4, lr: 3e-3, rank: 4, alpha: 8, threads: 1, device: 'cpu', saveEvery: 0 };
    manager = new RunManager({ launch, pollIntervalMs: 100 });
  });
  after(() => {
    manager.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams progress events and ends done', async () => {
    const handle = await manager.start({ ...base, steps: 6, out: path.join(dir, 'runs', 'done') });
    const streamed: RunEvent[] = [];
    handle.onEvent((event) => streamed.push(event));
    const end = await handle.whenEnded();
    assert.equal(end.status, 'done', JSON.stringify(end));
    assert.deepEqual(stepsOf(handle.events), [1, 2, 3, 4, 5, 6]);
    assert.equal(handle.snapshot.totalSteps, 6);
    assert.equal(handle.snapshot.device, 'cpu'); // the device actually used, as the trainer resolved it
    assert.match(handle.snapshot.deviceDescription ?? '', /^device: cpu/);
    assert.ok(streamed.length > 0 && streamed[streamed.length - 1].type === 'done');
    assert.ok(handle.events.every((event) => event.type !== 'step' || Number.isFinite(event.loss)));
    // The notifications are the same events the trainer wrote to metrics.jsonl.
    assert.deepEqual(readAllEvents(handle.runDir), handle.events);
    // One worker per run: it exits once its terminal event is out.
    const pid = readWorkerRecord(handle.runDir)!.pid;
    for (let waited = 0; processIsAlive(pid) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(processIsAlive(pid), false);
  });

  it('cancels cleanly with a usable checkpoint, and resume continues from it', async () => {
    const out = path.join(dir, 'runs', 'cancel');
    const handle = await manager.start({ ...base, steps: 400, out });
    await firstStep(handle);
    await handle.cancel();
    const end = await handle.whenEnded();
    assert.equal(end.status, 'cancelled');
    assert.equal(end.terminal?.type, 'cancelled');
    const stoppedAt = handle.snapshot.step;
    assert.ok(stoppedAt >= 1 && stoppedAt < 400, `stopped at step ${stoppedAt}`);
    const checkpoint = end.terminal?.type === 'cancelled' ? end.terminal.checkpoint : undefined;
    assert.ok(checkpoint && fs.existsSync(path.resolve(out, checkpoint)), `checkpoint ${checkpoint} exists`);

    const resumed = await manager.start({ ...base, steps: stoppedAt + 3, out, resume: true });
    const resumedEnd = await resumed.whenEnded();
    assert.equal(resumedEnd.status, 'done', JSON.stringify(resumedEnd));
    const steps = stepsOf(resumed.events);
    assert.deepEqual(steps, Array.from({ length: stoppedAt + 3 }, (_, index) => index + 1), 'one continuous curve');
  });

  it('reports a crashed worker with its last output lines', async () => {
    const handle = await manager.start({ ...base, steps: 400, out: path.join(dir, 'runs', 'crash') });
    await firstStep(handle);
    process.kill(readWorkerRecord(handle.runDir)!.pid, 'SIGKILL');
    const end = await handle.whenEnded();
    assert.equal(end.status, 'error');
    assert.equal(end.crash?.signal, 'SIGKILL');
    assert.ok((end.crash?.logTail.length ?? 0) > 0, 'the worker log has lines');
    // A later window sees the same: no terminal event and no live worker means the run failed.
    const fresh = new RunManager({ launch });
    assert.equal(fresh.attach(handle.runDir).status, 'error');
    fresh.dispose();
  });

  it('rejects arguments the trainer refuses, naming the key, and leaves no worker behind', async () => {
    const out = path.join(dir, 'runs', 'refused');
    await assert.rejects(manager.start({ ...base, rank: -1, out }), /rank/);
    assert.equal(processIsAlive(readWorkerRecord(out)!.pid), false);
    assert.equal(manager.get(out), undefined);
  });

  it('re-attaches to a running run from its directory after the window that started it went away', async () => {
    const out = path.join(dir, 'runs', 'reattach');
    const first = new RunManager({ launch });
    const handle = await first.start({ ...base, steps: 12, out });
    await firstStep(handle);
    first.dispose(); // the extension host reloads: the worker keeps training
    const second = new RunManager({ launch, pollIntervalMs: 50 });
    const [attached] = second.reattachRunning(path.dirname(out));
    assert.ok(attached, 'found the running run');
    assert.equal(attached.status, 'running');
    const end = await attached.whenEnded();
    assert.equal(end.status, 'done');
    assert.deepEqual(stepsOf(attached.events), Array.from({ length: 12 }, (_, index) => index + 1));
    second.dispose();
  });
});
