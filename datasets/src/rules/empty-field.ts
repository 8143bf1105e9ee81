// empty-field: a prompt, response or turn that is empty or only whitespace, or a conversation with no turns.
import { isBlankText, type RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'empty-field',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A prompt, response or message is empty or only whitespace, or a conversation has no turns.',
};

export function check(record: RecordContext): void {
  for (const field of record.spec.fields) {
    const value = record.value[field.key];
    // a preference side is a string or a list of turns: either may be empty
    const textual = field.kind === 'string' || field.kind === 'side';
    const listed = field.kind === 'turns' || field.kind === 'side';
    if (textual && typeof value === 'string' && !field.allowEmpty && isBlankText(value)) {
      record.report(meta, { path: [field.key] }, `'${field.key}' is empty`);
    } else if (listed && Array.isArray(value) && value.length === 0) {
      record.report(meta, { path: [field.key] }, `'${field.key}' has no turns`);
    }
  }
  const turns = record.spec.turns;
  if (!turns) return;
  for (const { object, path } of record.turnObjects) {
    const content = object[turns.contentKey];
    if (typeof content === 'string' && isBlankText(content) && !('tool_calls' in object)) {
      record.report(meta, { path: [...path, turns.contentKey] }, `the ${typeof object[turns.roleKey] === 'string' ? `${object[turns.roleKey] as string} ` : ''}turn is empty`);
    }
  }
}
