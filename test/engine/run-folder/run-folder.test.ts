// The trainer's side of the run folder: resume rewrites metrics.jsonl to what it keeps (dropping a torn last line and
// the old ending), a fresh start refuses a folder that holds a run (a UserError), and the repository's recorded
// metrics files still read without a complaint.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import type { RunInfo } from '../../../contracts/src/run/run-info';
import { UserError } from '../../../contracts/src/user-error';
import { MetricsReader, readAllEvents } from '../../../engine/src/run-folder/metrics-reader';
import { RunFolder, RunFolderError } from '../../../engine/src/run-folder/run-folder';

const root = mkdtempSync(join(tmpdir(), 'run-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

const step = (n: number): RunEvent => ({ type: 'step', step: n, loss: 3 - n / 10, lr: 1e-3, tokens: 64, tokensPerSecond: 640, elapsedMs: n * 100 });
const info = (status: RunInfo['status'], at: number): RunInfo => ({ version: 1, status, config: {}, resolved: {}, startedAt: '', updatedAt: '', step: at });

describe('run folder', () => {
  it('trims metrics.jsonl on resume: events past the checkpoint, the old ending and a torn last line go', () => {
    const run = new RunFolder(join(root, 'resume'));
    run.prepareFresh();
    for (const event of [step(1), step(2), step(3), { type: 'cancelled', step: 3, elapsedMs: 300 } as RunEvent]) run.append(event);
    appendFileSync(run.metrics, JSON.stringify(step(4)).slice(0, 25)); // a crash mid-line (written by something else)
    assert.deepEqual(readAllEvents(run.path).map((event) => event.type), ['step', 'step', 'step', 'cancelled'], 'the torn line waits');
    run.prepareResume(2);
    assert.equal(readFileSync(run.metrics, 'utf8'), `${JSON.stringify(step(1))}\n${JSON.stringify(step(2))}\n`);
    run.append(step(3));
    assert.deepEqual(readAllEvents(run.path), [step(1), step(2), step(3)]);
  });

  it('refuses a fresh start in a folder that holds a run, but not over one that failed before its first step', () => {
    const run = new RunFolder(join(root, 'fresh'));
    run.prepareFresh();
    run.writeRunInfo(info('error', 0));
    assert.doesNotThrow(() => run.prepareFresh());
    run.writeRunInfo(info('cancelled', 4));
    assert.throws(() => run.prepareFresh(), (error: unknown) => error instanceof RunFolderError && error instanceof UserError && /already holds a run \(run\.json, status cancelled\)/.test(error.message));
  });

  it('reads the recorded metrics files of the repository without a complaint', () => {
    const reader = new MetricsReader(join(import.meta.dirname, '../../webviews/dashboard-metrics.jsonl'));
    const events = reader.read();
    assert.deepEqual(reader.errors, []);
    assert.ok(events.some((event) => event.type === 'step') && events.some((event) => event.type === 'done'));
  });

  it('reports each bad line with its file and line number', () => {
    const file = join(root, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(step(1))}\nnot json\n{"type":"eval","step":1,"loss":null,"tokens":1,"elapsedMs":1}\n`);
    const reader = new MetricsReader(file);
    assert.deepEqual(reader.read(), [step(1)]);
    assert.equal(reader.errors.length, 2);
    assert.match(reader.errors[0], /bad\.jsonl:2: not JSON/);
    assert.match(reader.errors[1], /bad\.jsonl:3: 'eval' event, key 'loss': expected a number/);
  });
});
