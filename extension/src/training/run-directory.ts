// The run directory seen from outside the trainer: everything the extension needs to show, re-attach to, cancel and
// list a run lives in files, so a reloaded window or a closed dashboard loses nothing. No vscode imports.
//   run.json        resolved configuration and status (written by the trainer)
//   metrics.jsonl   one event per line (contract, DESIGN.md §4)
//   worker.json     pid and start time of the worker process that runs it (written by the run manager)
//   worker.log      the worker's stdout and stderr (for crash reports)
//   cancel.request  present when someone asked the run to stop (the worker polls for it)
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunInfo } from '../../../engine/src/train/run-dir';
import { isTerminal, parseRunEventLine, type RunEvent, type TerminalEvent } from '../../../contracts/src/run/run-events';

export type { RunInfo };

export const runFiles = {
  config: 'run.json',
  metrics: 'metrics.jsonl',
  worker: 'worker.json',
  log: 'worker.log',
  cancel: 'cancel.request',
} as const;

export interface WorkerRecord {
  pid: number;
  startedAt: string;
  resume: boolean;
}

/** Reads metrics.jsonl incrementally: each call returns the events appended since the last one (whole lines only). */
export class MetricsReader {
  private offset = 0;
  private pending = '';
  private lineNumber = 0;
  readonly errors: string[] = [];

  constructor(private readonly file: string) {}

  read(): RunEvent[] {
    let handle: number;
    try {
      handle = fs.openSync(this.file, 'r');
    } catch {
      return []; // not written yet
    }
    const chunks: Buffer[] = [];
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const count = fs.readSync(handle, buffer, 0, buffer.length, this.offset);
        if (count === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, count)));
        this.offset += count;
      }
    } finally {
      fs.closeSync(handle);
    }
    const text = this.pending + Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? ''; // an unfinished last line waits for its newline
    const events: RunEvent[] = [];
    for (const line of lines) {
      this.lineNumber++;
      try {
        const event = parseRunEventLine(line, `${this.file}:${this.lineNumber}`);
        if (event) events.push(event);
      } catch (error) {
        this.errors.push((error as Error).message);
      }
    }
    return events;
  }
}

export function readAllEvents(runDir: string): RunEvent[] {
  return new MetricsReader(path.join(runDir, runFiles.metrics)).read();
}

export function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(temporary, file);
}

/** run.json as the trainer writes it (engine/src/train/run-dir.ts), or undefined before it exists. */
export function readRunInfo(runDir: string): RunInfo | undefined {
  return readJsonFile<RunInfo>(path.join(runDir, runFiles.config));
}

export function readWorkerRecord(runDir: string): WorkerRecord | undefined {
  return readJsonFile<WorkerRecord>(path.join(runDir, runFiles.worker));
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function requestCancel(runDir: string): void {
  fs.writeFileSync(path.join(runDir, runFiles.cancel), new Date().toISOString() + '\n');
}

export function clearCancelRequest(runDir: string): void {
  fs.rmSync(path.join(runDir, runFiles.cancel), { force: true });
}

export function isCancelRequested(runDir: string): boolean {
  return fs.existsSync(path.join(runDir, runFiles.cancel));
}

/** The last lines of the worker's output, for a crash report. */
export function readLogTail(runDir: string, lineCount: number): string[] {
  const file = path.join(runDir, runFiles.log);
  let text: string;
  try {
    const size = fs.statSync(file).size;
    const start = Math.max(0, size - 64 * 1024);
    const handle = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - start);
      fs.readSync(handle, buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(handle);
    }
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line.trim() !== '').slice(-lineCount);
}

export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** A run's status from its files: a terminal event decides; without one, a live worker means running, else it died. */
export function statusFromFiles(events: readonly RunEvent[], worker: WorkerRecord | undefined): { status: RunStatus; terminal?: TerminalEvent } {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    // A resumed run's trainer drops the old terminal event first, so the last one found is the current run's.
    if (isTerminal(event)) return { status: event.type === 'error' ? 'failed' : event.type, terminal: event };
  }
  if (worker && isProcessAlive(worker.pid)) return { status: 'running' };
  return { status: 'failed' };
}

/** Folders under root that look like runs (they hold run.json or metrics.jsonl), newest first. */
export function listRunDirectories(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const runs: { dir: string; time: number }[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    const marker = [runFiles.config, runFiles.metrics].map((file) => path.join(dir, file)).find((file) => fs.existsSync(file));
    if (marker) runs.push({ dir, time: fs.statSync(marker).mtimeMs });
  }
  return runs.sort((a, b) => b.time - a.time).map((run) => run.dir);
}
