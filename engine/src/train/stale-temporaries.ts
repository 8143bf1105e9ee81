// Temporary files and folders that atomic writes leave when the process dies mid-write: `checkpoints/step-N.tmp-PID`
// (a whole checkpoint: gigabytes for a full fine-tune), `step-N.old-PID`, `latest.json.tmp-PID`, `run.json.tmp-PID`.
// Their suffix names the writer, so one whose process is gone (or is this process, from before a restart under the
// same PID) is garbage; one whose writer still runs is left alone, in case two runs share the folder.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const TEMPORARY = /\.(?:tmp|old)-(\d+)$/;

/** Whether a process with this id exists (EPERM: it does, under another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the stale temporaries directly inside each folder; returns the paths removed. Missing folders are skipped. */
export function removeStaleTemporaries(folders: readonly string[]): string[] {
  const removed: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = Number(TEMPORARY.exec(name)?.[1] ?? Number.NaN);
      if (!Number.isSafeInteger(pid) || (pid !== process.pid && processIsAlive(pid))) continue;
      rmSync(join(folder, name), { recursive: true, force: true });
      removed.push(join(folder, name));
    }
  }
  return removed;
}
