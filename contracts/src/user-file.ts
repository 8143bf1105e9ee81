// Files the user names (datasets, model files, configs) are checked for their kind before they are opened: opening
// a FIFO blocks forever, a folder fails with EISDIR and an unreadable file with EACCES deep inside a reader, where
// the message no longer says which file or why. One helper, so every reader refuses them the same way.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { UserError } from './user-error';
import { ModelFileError } from './model-file-error';

export type FileKindProblem = 'missing' | 'folder' | 'not-a-file' | 'unreadable';

export interface FileKindCheck {
  problem: FileKindProblem;
  /** What is wrong, as the end of a sentence whose subject is the file: 'is a folder, not a file'. */
  message: string;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Why `path` cannot be read as an ordinary file, or null when it can. Follows symbolic links; opens nothing. */
export function checkReadableFile(path: string): FileKindCheck | null {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { problem: 'unreadable', message: 'cannot be reached (permission denied)' };
    return { problem: 'missing', message: 'does not exist' };
  }
  if (stats.isDirectory()) return { problem: 'folder', message: 'is a folder, not a file' };
  if (!stats.isFile()) return { problem: 'not-a-file', message: `is ${kindOf(stats)}, not a regular file` };
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return { problem: 'unreadable', message: 'is not readable (permission denied)' };
  }
  return null;
}

/** Throws a one-line UserError (`PATH: what is wrong`) unless `path` is a readable regular file. */
export function assertReadableFile(path: string, what = 'file'): void {
  const check = checkReadableFile(path);
  if (!check) return;
  throw new UserError(`${path}: ${check.problem === 'missing' ? `no such ${what}` : `the ${what} ${check.message}`}`, 'bad-file');
}

/** The same check for a model-folder file, as a ModelFileError (codes missing-file, not-a-file, unreadable). */
export function assertModelFile(path: string, what: string): void {
  const check = checkReadableFile(path);
  if (!check) return;
  if (check.problem === 'missing') throw new ModelFileError('missing-file', path, `${what} is missing`);
  throw new ModelFileError(check.problem === 'unreadable' ? 'unreadable' : 'not-a-file', path, `${what} ${check.message}`);
}
