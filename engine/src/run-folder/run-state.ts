// A run's status from its files alone (a reloaded window, the Runs view): its last terminal event decides; without
// one, a live worker means it is running, and a gone one that it died.
import type { TerminalEvent, RunEvent } from '../../../contracts/src/run/run-events';
import { lastTerminal, type RunStatus } from '../../../contracts/src/run/run-status';
import { processIsAlive } from './process-alive';
import type { WorkerRecord } from './worker-files';

export function statusFromFiles(events: readonly RunEvent[], worker: WorkerRecord | undefined): { status: RunStatus; terminal?: TerminalEvent } {
  const terminal = lastTerminal(events);
  if (terminal) return { status: terminal.type, terminal };
  return { status: worker && processIsAlive(worker.pid) ? 'running' : 'error' };
}
