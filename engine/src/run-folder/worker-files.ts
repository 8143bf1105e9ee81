// The files by which the extension and the engine worker that runs a run meet: worker.json (which process runs it),
// worker.log (its output, for crash reports) and cancel.request (a stop request that works without the IPC channel).
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { writeJsonAtomic } from '../io/atomic-write';

export interface WorkerRecord {
  pid: number;
  startedAt: string;
  resume: boolean;
}

export function writeWorkerRecord(runDir: string, record: WorkerRecord): void {
  writeJsonAtomic(runFolderPath(runDir, 'worker'), record);
}

export function readWorkerRecord(runDir: string): WorkerRecord | undefined {
  try {
    return JSON.parse(readFileSync(runFolderPath(runDir, 'worker'), 'utf8')) as WorkerRecord;
  } catch {
    return undefined;
  }
}

export function requestCancel(runDir: string): void {
  writeFileSync(runFolderPath(runDir, 'cancelRequest'), new Date().toISOString() + '\n');
}

export function clearCancelRequest(runDir: string): void {
  rmSync(runFolderPath(runDir, 'cancelRequest'), { force: true });
}

export function isCancelRequested(runDir: string): boolean {
  return existsSync(runFolderPath(runDir, 'cancelRequest'));
}

/** The last lines of the worker's output (from its last 64 KiB), for a crash report. */
export function readLogTail(runDir: string, lineCount: number): string[] {
  const file = runFolderPath(runDir, 'workerLog');
  let text: string;
  try {
    const size = statSync(file).size;
    const start = Math.max(0, size - 64 * 1024);
    const handle = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - start);
      readSync(handle, buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
    } finally {
      closeSync(handle);
    }
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line.trim() !== '').slice(-lineCount);
}
