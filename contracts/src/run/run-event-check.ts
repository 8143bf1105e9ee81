// Turns an untrusted parsed metrics.jsonl line into a RunEvent, or says where and why it is not one: a cut or foreign
// line is reported instead of breaking a chart. Unknown event types are skipped, not refused: a reader must keep
// working when a newer trainer adds one.
import type { RunEvent, RunEventType } from './run-events';

type FieldKind = 'number' | 'string';
interface EventFields {
  required: Record<string, FieldKind>;
  optional: Record<string, FieldKind>;
}

// Every field of every event (run-events.ts), so a line that passes has the shape its type promises.
const preferenceFields: Record<string, FieldKind> = { rewardsChosen: 'number', rewardsRejected: 'number', margin: 'number', accuracy: 'number' };

const eventFields: Record<RunEventType, EventFields> = {
  step: { required: { step: 'number', loss: 'number', lr: 'number', tokens: 'number', tokensPerSecond: 'number', elapsedMs: 'number' }, optional: { gradNorm: 'number', epoch: 'number', ...preferenceFields } },
  eval: { required: { step: 'number', loss: 'number', tokens: 'number', elapsedMs: 'number' }, optional: { ...preferenceFields } },
  sample: { required: { step: 'number', prompt: 'string', completion: 'string' }, optional: {} },
  done: { required: { step: 'number', elapsedMs: 'number', output: 'string' }, optional: { loss: 'number', evalLoss: 'number' } },
  error: { required: { step: 'number', message: 'string', elapsedMs: 'number' }, optional: { checkpoint: 'string' } },
  cancelled: { required: { step: 'number', elapsedMs: 'number' }, optional: { checkpoint: 'string' } },
};

export type RunEventCheck =
  | { kind: 'event'; event: RunEvent }
  /** A blank line, or an event type this reader does not know. */
  | { kind: 'skipped' }
  /** `where: what is wrong`, e.g. `metrics.jsonl:3: 'step' event, key 'loss': expected a number`. */
  | { kind: 'invalid'; reason: string };

/** Checks an already-parsed value; `where` locates it in the reasons (`file:line`, `worker event`). */
export function checkRunEvent(value: unknown, where: string): RunEventCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', reason: `${where}: not a JSON object` };
  const record: Record<string, unknown> = { ...value };
  const type = record.type;
  if (typeof type !== 'string' || !Object.hasOwn(eventFields, type)) return { kind: 'skipped' };
  const fields = eventFields[type as RunEventType];
  const wrongKey = (key: string, kind: FieldKind) => ({ kind: 'invalid' as const, reason: `${where}: '${type}' event, key '${key}': expected a ${kind}` });
  for (const [key, kind] of Object.entries(fields.required)) {
    if (typeof record[key] !== kind) return wrongKey(key, kind);
  }
  for (const [key, kind] of Object.entries(fields.optional)) {
    if (record[key] === null) delete record[key]; // JSON writes a NaN as null: read it as absent
    else if (record[key] !== undefined && typeof record[key] !== kind) return wrongKey(key, kind);
  }
  return { kind: 'event', event: record as unknown as RunEvent };
}

/** Checks one metrics.jsonl line. */
export function checkRunEventLine(line: string, where: string): RunEventCheck {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'skipped' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { kind: 'invalid', reason: `${where}: not JSON (${(error as Error).message})` };
  }
  return checkRunEvent(value, where);
}

/** One line as an event; undefined when skipped; throws an Error with the located reason when invalid. */
export function parseRunEventLine(line: string, where: string): RunEvent | undefined {
  const check = checkRunEventLine(line, where);
  if (check.kind === 'invalid') throw new Error(check.reason);
  return check.kind === 'event' ? check.event : undefined;
}
