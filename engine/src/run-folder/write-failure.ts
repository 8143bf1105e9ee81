// A write into the run folder that the machine refused (a full disk, a quota, a read-only or unwritable folder) is
// the user's to fix, not a bug: it becomes one located line (a UserError, so the CLI prints no stack), saying what
// was being written and what is safe on disk. Other failures pass through unchanged.
import { UserError } from '../../../contracts/src/user-error';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for the file system',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** The errno code of a refused write (ENOSPC, EDQUOT, …), or undefined for any other failure. */
export function refusedWriteCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && Object.hasOwn(REASONS, code) ? code : undefined;
}

/**
 * `error` as a located UserError when it is a refused write: `PATH: no space left on the device (ENOSPC) while
 * WHAT; AFTERWARDS`. Anything else (a bug) is returned as it is, to keep its stack.
 */
export function asWriteFailure(error: unknown, path: string, what: string, afterwards = ''): unknown {
  const code = refusedWriteCode(error);
  if (!code || error instanceof UserError) return error;
  return new UserError(`${path}: ${REASONS[code]} (${code}) while ${what}${afterwards ? `; ${afterwards}` : ''}`, 'write-refused');
}
