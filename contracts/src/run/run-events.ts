// The events of a run's metrics.jsonl (DESIGN.md §4, contract). The types are the trainer's own
// (engine/src/train/run-dir.ts); this file only checks, line by line, that what it reads has that shape, so a cut or
// foreign line is reported with its location instead of breaking a chart. Unknown event types are skipped: a reader
// must keep working when the trainer adds new ones.
import type { CancelledEvent, DoneEvent, ErrorEvent, RunEvent } from '../../../engine/src/train/run-dir';

export type { RunEvent, StepEvent, EvalEvent, SampleEvent } from '../../../engine/src/train/run-dir';
export type TerminalEvent = DoneEvent | ErrorEvent | CancelledEvent;

// The numeric keys each known event type must carry.
const requiredNumbers: Record<RunEvent['type'], readonly string[]> = {
  step: ['step', 'loss', 'lr'],
  eval: ['step', 'loss'],
  sample: ['step'],
  done: [],
  error: [],
  cancelled: [],
};

export function isTerminal(event: RunEvent): event is TerminalEvent {
  return event.type === 'done' || event.type === 'error' || event.type === 'cancelled';
}

/** Checks an already-parsed value; undefined for event types this reader does not know. */
export function asRunEvent(value: unknown, where: string): RunEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not a JSON object`);
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.hasOwn(requiredNumbers, type)) return undefined;
  for (const key of requiredNumbers[type as RunEvent['type']]) {
    if (typeof record[key] !== 'number') throw new Error(`${where}: '${type}' event, key '${key}': expected a number`);
  }
  return record as unknown as RunEvent;
}

/** Parses one metrics.jsonl line; undefined for blank lines and unknown event types. */
export function parseRunEventLine(line: string, where: string): RunEvent | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  return asRunEvent(value, where);
}
