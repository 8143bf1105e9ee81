// The run folder (DESIGN §4 contract): run.json (resolved config and status), metrics.jsonl (one event per line),
// checkpoints/ for --resume, and adapter/ (LoRA, PEFT layout) or model/ (full). Every file that a reader may look at
// while the run goes on is written atomically (temp file + rename), so a crash never leaves half a JSON.
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appendWholeLine } from './whole-line-append';
import { asWriteFailure, refusedWriteCode } from './write-failure';

export type RunStatus = 'running' | 'done' | 'error' | 'cancelled';

export interface StepEvent {
  type: 'step';
  step: number;
  loss: number;
  lr: number;
  tokens: number;
  tokensPerSecond: number;
  elapsedMs: number;
  gradNorm?: number;
  epoch?: number;
}
export interface EvalEvent {
  type: 'eval';
  step: number;
  loss: number;
  tokens: number;
  elapsedMs: number;
}
export interface SampleEvent {
  type: 'sample';
  step: number;
  prompt: string;
  completion: string;
}
export interface DoneEvent {
  type: 'done';
  step: number;
  elapsedMs: number;
  output: string;
  loss?: number;
  evalLoss?: number;
}
export interface ErrorEvent {
  type: 'error';
  step: number;
  message: string;
  elapsedMs: number;
  checkpoint?: string;
}
export interface CancelledEvent {
  type: 'cancelled';
  step: number;
  elapsedMs: number;
  checkpoint?: string;
}
export type RunEvent = StepEvent | EvalEvent | SampleEvent | DoneEvent | ErrorEvent | CancelledEvent;
const FINAL_TYPES = new Set(['done', 'error', 'cancelled']);

/** Writes bytes or text to `path` through a temp file in the same folder and a rename. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, content);
  } catch (error) {
    rmSync(temporary, { force: true }); // a half-written temporary would only hold on to the space that ran out
    throw error;
  }
  renameSync(temporary, path);
}

/**
 * Rewrites `path` in place, only when the new content fits in the blocks the file already holds, so a full disk
 * cannot refuse it: the last resort for recording a run's final status after the atomic write ran out of space.
 */
function overwriteInPlace(path: string, content: string): boolean {
  const bytes = Buffer.from(content, 'utf8');
  const fd = openSync(path, 'r+');
  try {
    const blocks = fstatSync(fd).blocks; // undefined where the platform does not report it: no in-place write then
    if (!Number.isFinite(blocks) || bytes.length > blocks * 512) return false;
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
    return true;
  } finally {
    closeSync(fd);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export class RunDirectory {
  readonly runJson: string;
  readonly metrics: string;
  readonly checkpoints: string;

  constructor(readonly path: string) {
    this.runJson = join(path, 'run.json');
    this.metrics = join(path, 'metrics.jsonl');
    this.checkpoints = join(path, 'checkpoints');
  }

  /**
   * Starts a fresh run: refuses a folder that already holds a run unless resuming (a run that failed before its
   * first step, e.g. on bad data, may be started over).
   */
  prepareFresh(): void {
    if (existsSync(this.runJson)) {
      const previous = this.readRunInfo();
      if (previous.status !== 'error' || previous.step > 0) {
        throw new RunFolderError(`${this.path} already holds a run (run.json, status ${previous.status}); pass --resume to continue it or choose another --out`);
      }
    }
    mkdirSync(this.path, { recursive: true });
    writeFileAtomic(this.metrics, '');
  }

  /**
   * Prepares to resume from the checkpoint at `step`: drops events logged after it (and the previous final event), so
   * metrics.jsonl reads as one continuous curve.
   */
  prepareResume(step: number): void {
    const kept = this.readEvents().filter((event) => !FINAL_TYPES.has(event.type) && (!('step' in event) || event.step <= step));
    writeFileAtomic(this.metrics, kept.map((event) => `${JSON.stringify(event)}\n`).join(''));
  }

  /** One whole line or nothing (a full disk leaves no torn line); a refused write becomes a located UserError. */
  append(event: RunEvent): void {
    try {
      appendWholeLine(this.metrics, `${JSON.stringify(event)}\n`);
    } catch (error) {
      throw asWriteFailure(error, this.metrics, `appending the ${event.type} event`);
    }
  }

  readEvents(): RunEvent[] {
    if (!existsSync(this.metrics)) return [];
    return readFileSync(this.metrics, 'utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as RunEvent];
        } catch {
          return []; // a line cut by a crash mid-append
        }
      });
  }

  /** Atomic; when the disk is full, rewritten in place if it fits (the final status matters more than atomicity). */
  writeRunInfo(info: RunInfo): void {
    const content = `${JSON.stringify(info, null, 2)}\n`;
    try {
      writeFileAtomic(this.runJson, content);
    } catch (error) {
      const outOfSpace = ['ENOSPC', 'EDQUOT'].includes(refusedWriteCode(error) ?? '');
      try {
        if (outOfSpace && existsSync(this.runJson) && overwriteInPlace(this.runJson, content)) return;
      } catch {
        // The in-place rewrite failed too: report the first failure, which says why.
      }
      throw asWriteFailure(error, this.runJson, `recording status ${info.status}`);
    }
  }

  readRunInfo(): RunInfo {
    return readJson<RunInfo>(this.runJson);
  }

  /** Replaces `target` (a folder) by a folder built by `fill` in a temp location, so readers never see it half-written. */
  replaceFolder(target: string, fill: (temporary: string) => void): void {
    const temporary = `${target}.tmp-${process.pid}`;
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    try {
      fill(temporary);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true }); // e.g. a full disk: the old folder stays, no half copy
      throw error;
    }
    const old = `${target}.old-${process.pid}`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(temporary, target);
    rmSync(old, { recursive: true, force: true });
  }
}

export interface RunInfo {
  version: 1;
  status: RunStatus;
  /** Resolved training arguments (feed back with --config to repeat the run). */
  config: Record<string, unknown>;
  /** Values derived at start: learning rate, total steps, warmup, device, data counts. */
  resolved: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
  step: number;
  message?: string;
  /** Relative path of the exported adapter/ or model/ once done. */
  output?: string;
  lastCheckpoint?: string;
}

export class RunFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
