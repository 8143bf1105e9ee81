// unknown-key: a key the format does not know and the trainer ignores, usually a typo ("instrucion", "mesages").
// Suggests the closest known key and offers to rename it when that key is not already present.
import { closest, PASSTHROUGH_KEYS } from '../service/formats';
import type { JsonPath } from '../service/json-scan';
import type { LocalFix, RecordContext } from '../service/record';
import type { RuleMeta } from './rule';
import { jsonString, turnObjects } from './util';

export const meta: RuleMeta = {
  id: 'unknown-key',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'A key the format does not define (the trainer ignores it), with "did you mean" for likely typos.',
  fix: 'Rename the key to the suggested one.',
};

function checkKeys(record: RecordContext, object: Record<string, unknown>, known: string[], base: JsonPath, where: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key) || (base.length === 0 && PASSTHROUGH_KEYS.has(key))) continue;
    const suggestion = closest(key, known.filter((name) => !(name in object)));
    const path = [...base, key];
    let fixes: LocalFix[] | undefined;
    if (suggestion) {
      const { start, end } = record.offsets({ path, part: 'key' });
      fixes = [{ title: `Rename '${key}' to '${suggestion}'`, edits: [{ start, end, newText: jsonString(suggestion) }], preferred: true }];
    }
    const message = suggestion ? `unknown key '${key}' ${where}: did you mean '${suggestion}'?` : `unknown key '${key}' ${where}: the trainer ignores it`;
    record.report(meta, { path, part: 'key' }, message, fixes);
  }
}

export function check(record: RecordContext): void {
  checkKeys(record, record.value, record.spec.fields.map((field) => field.key), [], `in a ${record.format} record`);
  const turns = record.spec.turns;
  if (!turns) return;
  const known = [turns.roleKey, turns.contentKey, ...turns.optionalKeys];
  for (const { object, path } of turnObjects(record)) checkKeys(record, object, known, path, 'in a turn');
}
