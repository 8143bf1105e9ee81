// unknown-key: a key the format does not know and the trainer ignores, usually a typo ("instrucion", "mesages").
// Suggests the closest known key and offers to rename it when that key is not already present.
import { closest, FORMAT_KEYS, PASSTHROUGH_KEYS } from '../line/formats';
import type { JsonPath } from '../line/json-scan';
import type { LocalFix, RecordContext } from '../line/record';
import type { RuleMeta } from './meta';
import { jsonString } from './util';

export const meta: RuleMeta = {
  id: 'unknown-key',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'A key the format does not define (the trainer ignores it), with "did you mean" for likely typos.',
  fix: 'Rename the key to the suggested one.',
};

function checkKeys(record: RecordContext, object: Record<string, unknown>, known: string[], base: JsonPath): void {
  // for-in, not Object.keys: no key array per object (a JSON.parse object has only own, enumerable keys)
  for (const key in object) {
    if (known.includes(key) || (base.length === 0 && PASSTHROUGH_KEYS.has(key))) continue;
    const suggestion = closest(key, known.filter((name) => !Object.hasOwn(object, name)));
    const path = [...base, key];
    let fixes: LocalFix[] | undefined;
    if (suggestion) {
      const { start, end } = record.offsets({ path, part: 'key' });
      fixes = [{ title: `Rename '${key}' to '${suggestion}'`, edits: [{ start, end, newText: jsonString(suggestion) }], preferred: true }];
    }
    const where = base.length === 0 ? `in a ${record.format} record` : 'in a turn';
    const message = suggestion ? `unknown key '${key}' ${where}: did you mean '${suggestion}'?` : `unknown key '${key}' ${where}: the trainer ignores it`;
    record.report(meta, { path, part: 'key' }, message, fixes);
  }
}

export function check(record: RecordContext): void {
  const known = FORMAT_KEYS[record.format];
  checkKeys(record, record.value, known.defined, []);
  if (!record.spec.turns) return;
  for (const { object, path } of record.turnObjects) checkKeys(record, object, known.turn, path);
}
