// Temporary files and folders that atomic writes leave when the process dies mid-write: `checkpoints/step-N.tmp-PID`
// (a whole checkpoint: gigabytes for a full fine-tune), `step-N.old-PID`, `latest.json.tmp-PID`, `run.json.tmp-PID`.
// Their suffix names the writer, so one whose process is gone (or is this process, from before a restart under the
// same PID) is garbage; one whose writer still runs is left alone, in case two runs share the folder.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processIsAlive } from './process-alive';

/** Only the names the run writes through temporaries: --out may be a folder that also holds the user's own files. */
export const RUN_FOLDER_TEMPORARY = /^(?:run\.json|metrics\.jsonl|per-example-loss\.jsonl|adapter|model)\.(?:tmp|old)-(\d+)$/;
export const CHECKPOINTS_TEMPORARY = /^(?:step-\d+|latest\.json)\.(?:tmp|old)-(\d+)$/;

/**
 * Removes the stale temporaries directly inside each folder whose names match its pattern; returns the paths
 * removed. Missing folders are skipped.
 */
export function removeStaleTemporaries(folders: ReadonlyArray<readonly [folder: string, names: RegExp]>): string[] {
  const removed: string[] = [];
  for (const [folder, pattern] of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = Number(pattern.exec(name)?.[1] ?? Number.NaN);
      if (!Number.isSafeInteger(pid) || (pid !== process.pid && processIsAlive(pid))) continue;
      rmSync(join(folder, name), { recursive: true, force: true });
      removed.push(join(folder, name));
    }
  }
  return removed;
}
