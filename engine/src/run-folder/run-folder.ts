// The trainer's side of the run folder (docs/run-folder.md): starting or resuming one, appending events, recording
// run.json. Every file that a reader may look at while the run goes on is written atomically or as whole lines, so a
// crash or a full disk never leaves half a JSON.
import { existsSync, mkdirSync } from 'node:fs';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import type { RunInfo } from '../../../contracts/src/run/run-info';
import { eventsKeptOnResume } from '../../../contracts/src/run/resume-trim';
import { UserError } from '../../../contracts/src/user-error';
import { overwriteInPlaceIfItFits, readJson, replaceFolder, writeFileAtomic } from '../io/atomic-write';
import { readAllEvents } from './metrics-reader';
import { appendWholeLine } from './whole-line-append';
import { asWriteFailure, refusedWriteCode } from './write-failure';

/** The run folder cannot be used as asked (it already holds a run): the user's to fix. */
/** A run folder the command cannot use as asked (it already holds a run, say): the user's to choose again. */
export class RunFolderError extends UserError {
  constructor(message: string) {
    super(message, 'output-not-empty');
  }
}

export class RunFolder {
  readonly runJson: string;
  readonly metrics: string;
  readonly checkpoints: string;

  constructor(readonly path: string) {
    this.runJson = runFolderPath(path, 'info');
    this.metrics = runFolderPath(path, 'metrics');
    this.checkpoints = runFolderPath(path, 'checkpoints');
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

  /** Prepares to resume from the checkpoint at `step`: metrics.jsonl keeps what resume-trim.ts keeps, rewritten atomically. */
  prepareResume(step: number): void {
    this.writeEvents(eventsKeptOnResume(readAllEvents(this.path), step));
  }

  /** One whole line or nothing (a full disk leaves no torn line); a refused write becomes a located UserError. */
  append(event: RunEvent): void {
    try {
      appendWholeLine(this.metrics, `${JSON.stringify(event)}\n`);
    } catch (error) {
      throw asWriteFailure(error, this.metrics, `appending the ${event.type} event`);
    }
  }

  /** Writes a whole metrics.jsonl at once, atomically (a trimmed or an imported history). */
  writeEvents(events: readonly RunEvent[]): void {
    writeFileAtomic(this.metrics, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  }

  /** Atomic; when the disk is full, rewritten in place if it fits (the final status matters more than atomicity). */
  writeRunInfo(info: RunInfo): void {
    const content = `${JSON.stringify(info, null, 2)}\n`;
    try {
      writeFileAtomic(this.runJson, content);
    } catch (error) {
      const outOfSpace = ['ENOSPC', 'EDQUOT'].includes(refusedWriteCode(error) ?? '');
      try {
        if (outOfSpace && existsSync(this.runJson) && overwriteInPlaceIfItFits(this.runJson, content)) return;
      } catch {
        // The in-place rewrite failed too: report the first failure, which says why.
      }
      throw asWriteFailure(error, this.runJson, `recording status ${info.status}`);
    }
  }

  readRunInfo(): RunInfo {
    return readJson<RunInfo>(this.runJson);
  }

  /** Replaces `target` (a folder, adapter/ or model/) atomically: see ../io/atomic-write.ts. */
  replaceFolder(target: string, fill: (temporary: string) => void): void {
    replaceFolder(target, fill);
  }
}
