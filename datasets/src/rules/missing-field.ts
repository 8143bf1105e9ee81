// missing-field: a key the record's format requires is absent (top level, or `role`/`content` in a turn). A record
// with no key of any known format gets this too, pointing at its first character.
import { FORMAT_KEYS, FORMAT_ORDER } from '../line/formats';
import { skipWhitespace } from '../line/json-scan';
import type { LineProblem, RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'missing-field',
  defaultSeverity: 'error',
  scope: 'record',
  description: "A key the record's format requires is missing (e.g. `output` in alpaca, `content` in a message).",
};

/** A JSON object with no key of any known format (the line analyser's case: it has no RecordContext to give). */
export function noFormat(line: string, start: number): LineProblem {
  const keyStart = skipWhitespace(line, start);
  return { start: keyStart, end: keyStart + 1, message: `no key of a known dataset format (${FORMAT_ORDER.join(', ')}): expected e.g. "messages" or "instruction" and "output"` };
}

export function check(record: RecordContext): void {
  const required = FORMAT_KEYS[record.format].required;
  for (const key of required) {
    if (Object.hasOwn(record.value, key)) continue;
    record.report(meta, record.recordTarget(), `missing '${key}': the ${record.format} format needs ${required.map((name) => `'${name}'`).join(' and ')}`);
  }
  const turns = record.spec.turns;
  if (!turns) return;
  for (const { object, path } of record.turnObjects) {
    if (!Object.hasOwn(object, turns.roleKey)) record.report(meta, { path }, `this turn has no '${turns.roleKey}'`);
    // an assistant turn that only calls tools may leave its content out
    if (!Object.hasOwn(object, turns.contentKey) && !Object.hasOwn(object, 'tool_calls')) record.report(meta, { path }, `this turn has no '${turns.contentKey}'`);
  }
}
