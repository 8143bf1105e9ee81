// A hand-written scanner over one JSONL line, used only where JSON.parse cannot help: the exact column and a plain
// explanation of a syntax error, and the character range of a key or value named by a path (so a finding underlines
// the offending key or value, not the whole line). Everything is iterative: deeply nested input cannot overflow.

export type JsonPath = ReadonlyArray<string | number>;

export interface Located {
  /** Range of the key token (with its quotes) when the last path element is an object key. */
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
}

export function skipWhitespace(text: string, index: number): number {
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
    index++;
  }
  return index;
}

/** Index just past the closing quote of the string starting at `index` (a '"'), or -1 when it never closes. */
export function stringEnd(text: string, index: number): number {
  let i = index + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 34) return i + 1;
    i += code === 92 ? 2 : 1;
  }
  return -1;
}

/** Index just past the value starting at `index`; assumes the line is valid JSON (JSON.parse accepted it). */
export function valueEnd(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === 34) return stringEnd(text, index);
  if (first !== 123 && first !== 91) {
    let i = index;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 44 || code === 125 || code === 93 || code === 32 || code === 9 || code === 10 || code === 13) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  let i = index;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      i = stringEnd(text, i);
      if (i < 0) return text.length;
      continue;
    }
    if (code === 123 || code === 91) depth++;
    else if (code === 125 || code === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return text.length;
}

function keyMatches(text: string, start: number, end: number, key: string): boolean {
  const raw = text.slice(start + 1, end - 1);
  if (raw.indexOf('\\') < 0) return raw === key;
  try {
    return JSON.parse(text.slice(start, end)) === key;
  } catch {
    return false;
  }
}

/**
 * Where `path` lands in the JSON value starting at `from`. Duplicate keys resolve to the last one, as JSON.parse
 * does. Returns null when the path does not exist.
 */
export function locatePath(text: string, from: number, path: JsonPath): Located | null {
  let valueStart = skipWhitespace(text, from);
  let located: Located = { keyStart: valueStart, keyEnd: valueStart, valueStart, valueEnd: valueEnd(text, valueStart) };
  for (const step of path) {
    const open = text.charCodeAt(valueStart);
    let found: Located | null = null;
    let i = skipWhitespace(text, valueStart + 1);
    if (typeof step === 'string' && open === 123) {
      while (i < text.length && text.charCodeAt(i) === 34) {
        const keyEnd = stringEnd(text, i);
        if (keyEnd < 0) return null;
        const colon = skipWhitespace(text, keyEnd);
        const start = skipWhitespace(text, colon + 1);
        const end = valueEnd(text, start);
        if (keyMatches(text, i, keyEnd, step)) found = { keyStart: i, keyEnd, valueStart: start, valueEnd: end };
        i = skipWhitespace(text, end);
        if (text.charCodeAt(i) !== 44) break;
        i = skipWhitespace(text, i + 1);
      }
    } else if (typeof step === 'number' && open === 91) {
      for (let index = 0; i < text.length && text.charCodeAt(i) !== 93; index++) {
        const end = valueEnd(text, i);
        if (index === step) {
          found = { keyStart: i, keyEnd: i, valueStart: i, valueEnd: end };
          break;
        }
        i = skipWhitespace(text, end);
        if (text.charCodeAt(i) !== 44) break;
        i = skipWhitespace(text, i + 1);
      }
    }
    if (!found) return null;
    located = found;
    valueStart = found.valueStart;
  }
  return located;
}

/** The key tokens of the object starting at `from`, in order, with their decoded names; stops after `until`. */
export function objectKeys(text: string, from: number, until?: string): Array<{ name: string; start: number; end: number }> {
  const keys: Array<{ name: string; start: number; end: number }> = [];
  const open = skipWhitespace(text, from);
  if (text.charCodeAt(open) !== 123) return keys;
  let i = skipWhitespace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) === 34) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) break;
    let name: string;
    try {
      name = JSON.parse(text.slice(i, keyEnd)) as string;
    } catch {
      break;
    }
    keys.push({ name, start: i, end: keyEnd });
    if (name === until) break;
    const start = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    i = skipWhitespace(text, valueEnd(text, start));
    if (text.charCodeAt(i) !== 44) break;
    i = skipWhitespace(text, i + 1);
  }
  return keys;
}

/**
 * Maps an offset in the decoded value of the JSON string token at `tokenStart` to an offset in the raw line, so a
 * finding inside a string (an e-mail address, a zero-width space) points at the right characters despite escapes.
 */
export function rawOffsetInString(text: string, tokenStart: number, decodedOffset: number): number {
  let raw = tokenStart + 1;
  let decoded = 0;
  while (decoded < decodedOffset && raw < text.length) {
    const code = text.charCodeAt(raw);
    if (code === 34) break;
    if (code === 92) raw += text.charCodeAt(raw + 1) === 117 ? 6 : 2;
    else raw++;
    decoded++;
  }
  return raw;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function describe(text: string, index: number): string {
  if (index >= text.length) return 'the end of the line';
  const char = text[index];
  return char.charCodeAt(0) < 32 ? `control character U+${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : `'${char}'`;
}

/** Scans a string token; returns the index past it or a problem. */
function checkString(text: string, start: number): number | SyntaxProblem {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 34) return i + 1;
    if (code < 32) return { start: i, end: i + 1, message: `${describe(text, i)} inside a string must be escaped` };
    if (code === 92) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { start: i, end: Math.min(text.length, i + 6), message: 'invalid \\u escape: expected four hex digits' };
        i += 6;
        continue;
      }
      if (next === undefined || !ESCAPES.has(next)) return { start: i, end: Math.min(text.length, i + 2), message: `invalid escape '\\${next ?? ''}'` };
      i += 2;
      continue;
    }
    i++;
  }
  return { start, end: text.length, message: 'unterminated string: the closing quote is missing' };
}

/** The first syntax error in the JSON text starting at `from`, or null when it is valid. */
export function findSyntaxError(text: string, from = 0): SyntaxProblem | null {
  const stack: number[] = []; // 123 for objects, 91 for arrays
  type State = 'value' | 'key' | 'after';
  let state: State = 'value';
  let i = skipWhitespace(text, from);
  const at = (index: number, message: string): SyntaxProblem => ({ start: Math.min(index, Math.max(text.length - 1, 0)), end: Math.min(index + 1, text.length), message });
  for (;;) {
    i = skipWhitespace(text, i);
    const code = text.charCodeAt(i);
    if (state === 'value') {
      if (i >= text.length) return at(i, stack.length ? 'the line ends where a value should follow' : 'expected a JSON value');
      if (code === 123 || code === 91) {
        stack.push(code);
        i = skipWhitespace(text, i + 1);
        if (text.charCodeAt(i) === code + 2) {
          stack.pop();
          i++;
          state = 'after';
        } else state = code === 123 ? 'key' : 'value';
        continue;
      }
      if (code === 34) {
        const result = checkString(text, i);
        if (typeof result !== 'number') return result;
        i = result;
        state = 'after';
        continue;
      }
      NUMBER.lastIndex = i;
      const number = NUMBER.exec(text);
      if (number && number[0].length > 0) {
        i += number[0].length;
        state = 'after';
        continue;
      }
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      if (literal) {
        i += literal.length;
        state = 'after';
        continue;
      }
      if (code === 93 && stack[stack.length - 1] === 91) return at(i, "trailing comma before ']'");
      if (code === 39) return at(i, 'strings must use double quotes');
      return at(i, `unexpected ${describe(text, i)} where a value should be`);
    }
    if (state === 'key') {
      if (code === 125) return at(i, "trailing comma before '}'");
      if (code !== 34) return at(i, i >= text.length ? "the line ends inside an object: '}' is missing" : `expected a double-quoted property name, found ${describe(text, i)}`);
      const result = checkString(text, i);
      if (typeof result !== 'number') return result;
      i = skipWhitespace(text, result);
      if (text.charCodeAt(i) !== 58) return at(i, `expected ':' after the property name, found ${describe(text, i)}`);
      i++;
      state = 'value';
      continue;
    }
    // after a value
    const top = stack[stack.length - 1];
    if (top === undefined) return i >= text.length ? null : at(i, `unexpected ${describe(text, i)} after the end of the JSON value`);
    if (code === 44) {
      i++;
      state = top === 123 ? 'key' : 'value';
      continue;
    }
    if (code === top + 2) {
      stack.pop();
      i++;
      continue;
    }
    if (i >= text.length) return at(i, `the line ends inside ${top === 123 ? "an object: '}'" : "an array: ']'"} is missing`);
    return at(i, `expected ',' or '${String.fromCharCode(top + 2)}', found ${describe(text, i)}`);
  }
}
