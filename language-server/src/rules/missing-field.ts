// missing-field: a key the record's format requires is absent (top level, or `role`/`content` in a turn). A record
// with no key of any known format gets this too, pointing at its first character.
import type { RecordContext } from '../service/record';
import type { RuleMeta } from './rule';
import { turnObjects } from './util';

export const meta: RuleMeta = {
  id: 'missing-field',
  defaultSeverity: 'error',
  scope: 'record',
  description: "A key the record's format requires is missing (e.g. `output` in alpaca, `content` in a message).",
};

export function check(record: RecordContext): void {
  const required = record.spec.fields.filter((field) => field.required).map((field) => field.key);
  for (const key of required) {
    if (key in record.value) continue;
    record.report(meta, record.recordTarget(), `missing '${key}': the ${record.format} format needs ${required.map((name) => `'${name}'`).join(' and ')}`);
  }
  const turns = record.spec.turns;
  if (!turns) return;
  for (const { object, path } of turnObjects(record)) {
    if (!(turns.roleKey in object)) record.report(meta, { path }, `this turn has no '${turns.roleKey}'`);
    // an assistant turn that only calls tools may leave its content out
    if (!(turns.contentKey in object) && !('tool_calls' in object)) record.report(meta, { path }, `this turn has no '${turns.contentKey}'`);
  }
}
