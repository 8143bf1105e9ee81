// wrong-type: a known key holds the wrong kind of value (a number where text belongs, an object where a list of
// turns belongs, a `weight` that is not a number…).
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';
import { isObject, typeName } from './util';

export const meta: RuleMeta = {
  id: 'wrong-type',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A known key holds the wrong type of value (e.g. a number where a string belongs, a turn that is not an object).',
};

function isTextContent(value: unknown): boolean {
  if (typeof value === 'string') return true;
  return Array.isArray(value) && value.every((part) => isObject(part) && (part.type === undefined || typeof part.type === 'string') && (typeof part.text === 'string' || part.type !== 'text'));
}

export function check(record: RecordContext): void {
  for (const field of record.spec.fields) {
    const value = record.value[field.key];
    if (value === undefined || field.kind === 'any') continue;
    const path = [field.key];
    if (field.kind === 'string' && typeof value !== 'string') record.report(meta, { path }, `'${field.key}' should be a string, not ${typeName(value)}`);
    else if (field.kind === 'turns' || (field.kind === 'side' && typeof value !== 'string')) {
      const expected = field.kind === 'side' ? 'a string or a list of turns' : 'a list of turns';
      if (!Array.isArray(value)) record.report(meta, { path }, `'${field.key}' should be ${expected}, not ${typeName(value)}`);
      else value.forEach((turn, index) => {
        if (!isObject(turn)) record.report(meta, { path: [field.key, index] }, `each turn should be an object, not ${typeName(turn)}`);
      });
    } else if (field.kind === 'pairs') {
      if (!Array.isArray(value)) record.report(meta, { path }, `'${field.key}' should be a list of [instruction, response] pairs, not ${typeName(value)}`);
      else value.forEach((pair, index) => {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') record.report(meta, { path: [field.key, index] }, 'each history entry should be a pair of two strings');
      });
    }
  }
  const turns = record.spec.turns;
  if (!turns) return;
  for (const { object, path } of record.turnObjects) {
    const role = object[turns.roleKey];
    if (role !== undefined && typeof role !== 'string') record.report(meta, { path: [...path, turns.roleKey] }, `'${turns.roleKey}' should be a string, not ${typeName(role)}`);
    const content = object[turns.contentKey];
    if (content !== undefined && !(content === null && 'tool_calls' in object) && !isTextContent(content)) {
      record.report(meta, { path: [...path, turns.contentKey] }, `'${turns.contentKey}' should be a string, not ${typeName(content)}`);
    }
    if ('weight' in object && (typeof object.weight !== 'number' || !(object.weight >= 0 && object.weight <= 1))) record.report(meta, { path: [...path, 'weight'] }, "'weight' should be a number from 0 to 1");
    if ('train' in object && typeof object.train !== 'boolean') record.report(meta, { path: [...path, 'train'] }, `'train' should be true or false, not ${typeName(object.train)}`);
  }
}
