// One run as the extension sees it: its events so far, its status, and a way to stop it. Two sources feed it:
// the worker's `train/event` notifications when this window started the run, or the run directory's metrics.jsonl
// (polled) when it re-attached after a reload. Either way the end is detected the same: a terminal event, or the
// worker process gone without one (a crash, reported with the last lines of its log).
import * as path from 'node:path';
import { Emitter, type Disposable } from './emitter';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { isTerminal, type RunEvent, type TerminalEvent } from '../../../contracts/src/run/run-events';
import type { EndStatus, RunStatus } from '../../../contracts/src/run/run-status';
import { eventsKeptOnResume } from '../../../contracts/src/run/resume-trim';
import { MetricsReader } from '../../../engine/src/run-folder/metrics-reader';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { statusFromFiles } from '../../../engine/src/run-folder/run-state';
import { processIsAlive } from '../../../engine/src/run-folder/process-alive';
import { readLogTail, readWorkerRecord, requestCancel } from '../../../engine/src/run-folder/worker-files';
import { applyResolved, foldEvent, snapshotOf, type RunSnapshot } from '../../../contracts/src/run/run-snapshot';

export interface CrashReport {
  exitCode: number | null;
  signal: string | null;
  logTail: string[];
}

export interface RunEnd {
  status: EndStatus;
  terminal?: TerminalEvent;
  /** Present when the worker died without writing a terminal event. */
  crash?: CrashReport;
}

export const crashLogLines = 20;

export class RunHandle implements Disposable {
  readonly events: RunEvent[];
  snapshot: RunSnapshot;
  /** A resumed run whose trainer has not said yet which step it continues from. */
  private awaitingResumeStep = false;
  private ending?: RunEnd;
  private readonly eventEmitter = new Emitter<RunEvent>();
  private readonly endEmitter = new Emitter<RunEnd>();
  private readonly resetEmitter = new Emitter<void>();
  private readonly updateEmitter = new Emitter<void>();
  private readonly endPromise: Promise<RunEnd>;
  private resolveEnd!: (end: RunEnd) => void;
  /** Set by the source: how to ask this run to stop. */
  cancelRequester: () => Promise<void>;
  /** Set by the source: how to stop listening without stopping the run. */
  detacher: () => void = () => {};

  constructor(readonly runDir: string, history: RunEvent[]) {
    this.events = [...history];
    this.snapshot = snapshotOf(this.events);
    this.refreshResolved();
    this.endPromise = new Promise((resolve) => (this.resolveEnd = resolve));
    this.cancelRequester = async () => requestCancel(runDir);
  }

  get name(): string {
    return path.basename(this.runDir);
  }

  get status(): RunStatus {
    return this.ending?.status ?? 'running';
  }

  get end(): RunEnd | undefined {
    return this.ending;
  }

  readonly onEvent = this.eventEmitter.event;
  readonly onEnd = this.endEmitter.event;
  /** Fires when the event history was rewritten (a resumed run dropped what came after its checkpoint). */
  readonly onReset = this.resetEmitter.event;
  /** Fires when figures change without an event: the worker's memory, the trainer's resolved totals and device. */
  readonly onUpdate = this.updateEmitter.event;

  /** Marks this handle as following a resumed run whose history was read before the worker started: the old ending
   * goes at once, what came after the checkpoint once the trainer says where it resumes (started()). */
  resumedFromHistory(): void {
    this.replaceHistory(this.events.filter((event) => !isTerminal(event)));
    this.awaitingResumeStep = true;
  }

  /** Reads total steps and the device actually used from run.json (written by the trainer once it has resolved them). */
  refreshResolved(): void {
    applyResolved(this.snapshot, readRunInfo(this.runDir)?.resolved);
  }

  /** The worker's memory (owned runs only; a re-attached run has no channel to report it). */
  setMemory(bytes: number): void {
    this.snapshot.memoryBytes = bytes;
    this.updateEmitter.fire();
  }

  /** The trainer's `train/started`: total steps and the device actually used; for a resumed run, the step it continues
   * from, so the history drops what the trainer dropped from metrics.jsonl (resume-trim.ts). */
  started(params: { startStep: number; resolved: Record<string, unknown> }): void {
    if (this.awaitingResumeStep) {
      this.awaitingResumeStep = false;
      const kept = eventsKeptOnResume(this.events, params.startStep);
      if (kept.length !== this.events.length) {
        this.replaceHistory(kept);
        this.resetEmitter.fire();
      }
    }
    applyResolved(this.snapshot, params.resolved);
    this.updateEmitter.fire();
  }

  // The figures that come from outside the events (totals, device, memory) survive a rewritten history.
  private replaceHistory(events: RunEvent[]): void {
    this.events.splice(0, this.events.length, ...events);
    const { totalSteps, device, deviceDescription, memoryBytes } = this.snapshot;
    this.snapshot = Object.assign(snapshotOf(this.events), { totalSteps, device, deviceDescription, memoryBytes });
  }

  /** Resolves when the run ends (immediately for a run that had already ended). */
  whenEnded(): Promise<RunEnd> {
    return this.endPromise;
  }

  /** Asks the run to stop; it ends `cancelled` at the next step boundary, after writing a checkpoint. */
  async cancel(): Promise<void> {
    if (this.ending) return;
    await this.cancelRequester();
  }

  /** Called by the source for each new event. */
  pushEvent(event: RunEvent): void {
    if (this.ending) return;
    this.events.push(event);
    foldEvent(this.snapshot, event);
    if (this.snapshot.totalSteps === undefined) this.refreshResolved();
    this.eventEmitter.fire(event);
    if (isTerminal(event)) this.finish({ status: event.type, terminal: event });
  }

  /** Called by the source when the worker is gone: without a terminal event that is a crash. */
  workerExited(exitCode: number | null, signal: string | null): void {
    if (this.ending) return;
    this.finish({ status: 'error', crash: { exitCode, signal, logTail: readLogTail(this.runDir, crashLogLines) } });
  }

  finish(end: RunEnd): void {
    if (this.ending) return;
    this.ending = end;
    this.detacher();
    this.endEmitter.fire(end);
    this.resolveEnd(end);
  }

  /** Stops listening; the run itself goes on (it is the worker's, not this window's). */
  dispose(): void {
    this.detacher();
    this.eventEmitter.dispose();
    this.endEmitter.dispose();
    this.resetEmitter.dispose();
    this.updateEmitter.dispose();
  }
}

/**
 * A handle for a run found on disk: finished runs come back ended; a running one is followed by polling its
 * metrics.jsonl and checking that its worker process is still alive.
 */
export function attachToRunDirectory(runDir: string, pollIntervalMs = 500): RunHandle {
  const reader = new MetricsReader(runFolderPath(runDir, 'metrics'));
  const history = reader.read();
  const worker = readWorkerRecord(runDir);
  const { status, terminal } = statusFromFiles(history, worker);
  const handle = new RunHandle(runDir, history);
  if (status !== 'running') {
    handle.finish(terminal ? { status, terminal } : { status, crash: { exitCode: null, signal: null, logTail: readLogTail(runDir, crashLogLines) } });
    return handle;
  }
  const poll = () => {
    for (const event of reader.read()) handle.pushEvent(event);
    if (handle.end) return;
    if (!worker || !processIsAlive(worker.pid)) {
      for (const event of reader.read()) handle.pushEvent(event); // the last lines may have landed just before exit
      handle.workerExited(null, null);
    }
  };
  const timer = setInterval(poll, pollIntervalMs);
  handle.detacher = () => clearInterval(timer);
  return handle;
}
