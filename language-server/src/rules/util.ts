// Small helpers the rule files share: JSON type names for messages, and a walk over a record's turn objects.
import type { RecordContext } from '../service/record';
import type { JsonPath } from '../service/json-scan';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

export interface TurnObject {
  object: Record<string, unknown>;
  path: JsonPath;
  index: number;
}

/** The turn objects of a messages/sharegpt record (elements that are not objects are wrong-type's business). */
export function turnObjects(record: RecordContext): TurnObject[] {
  const field = record.spec.fields.find((candidate) => candidate.kind === 'turns');
  if (!field) return [];
  const list = record.value[field.key];
  if (!Array.isArray(list)) return [];
  const result: TurnObject[] = [];
  list.forEach((element, index) => {
    if (isObject(element)) result.push({ object: element, path: [field.key, index], index });
  });
  return result;
}

/** JSON text of a string value for an edit that replaces a whole key or value token. */
export function jsonString(value: string): string {
  return JSON.stringify(value);
}

/** Trained-response text length in characters, counting a CJK character as two (it carries about a word). */
export function visibleLength(text: string): number {
  let length = 0;
  for (const char of text.trim()) {
    const code = char.codePointAt(0) ?? 0;
    length += (code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff) ? 2 : 1;
  }
  return length;
}
