// A run's status: one vocabulary, the one run.json has always held ('error', never 'failed': that word was only ever
// the extension's in-memory name and its label, so no file holds it).
import { isTerminal, type RunEvent, type TerminalEvent } from './run-events';

export type RunStatus = 'running' | 'done' | 'error' | 'cancelled';
export type EndStatus = Exclude<RunStatus, 'running'>;

/** The run's last terminal event: a resumed run's trainer drops the old one first, so this is the current run's. */
export function lastTerminal(events: readonly RunEvent[]): TerminalEvent | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (isTerminal(event)) return event;
  }
  return undefined;
}

/** The word the user sees for a status (Runs view labels and context values, which package.json's menus match; the
 * dashboard badge): a run that ended in an error reads "failed". */
export function statusWord(status: RunStatus): string {
  return status === 'error' ? 'failed' : status;
}
