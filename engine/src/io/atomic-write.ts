// Writes that a reader never sees half done: a file or a folder is built under a temporary name in the same folder
// and renamed into place (a rename within a file system is atomic). A failed fill removes its temporary, so a full
// disk leaves the old version and no half copy. The temporaries' names (NAME.tmp-PID, NAME.old-PID) are what
// ../run-folder/stale-temporaries.ts clears after a crash (a run folder's; exports hide theirs: .NAME.tmp-PID).
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Replaces `target` (a folder) by a folder built by `fill` in a temp location, so readers never see it half-written. */
export function replaceFolder(target: string, fill: (temporary: string) => void, options: { hidden?: boolean } = {}): void {
  // hidden: `.NAME.tmp-PID` beside it, out of sight in a folder the user browses (an export's destination)
  const beside = (suffix: string) => join(dirname(target), `${options.hidden ? '.' : ''}${basename(target)}.${suffix}-${process.pid}`);
  const temporary = beside('tmp');
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    fill(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true }); // e.g. a full disk: the old folder stays, no half copy
    throw error;
  }
  const old = beside('old');
  if (existsSync(target)) renameSync(target, old);
  renameSync(temporary, target);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Rewrites `path` in place, only when the new content fits in the blocks the file already holds, so a full disk
 * cannot refuse it: the last resort for recording a run's final status after the atomic write ran out of space.
 */
export function overwriteInPlaceIfItFits(path: string, content: string): boolean {
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
