// Small helpers the rule files share: JSON type names for messages, a JSON string for edits, visible length.

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
