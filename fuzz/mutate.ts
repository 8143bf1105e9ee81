// The mutator every target shares: coverage-blind, a few stacked edits per input. Byte edits find framing, length and
// encoding bugs; JSON edits keep the text parseable so inputs reach the code behind the parser (values of the wrong
// type, huge numbers, prototype-named keys, deep nesting).
import type { Random } from './random';

/** Inputs never grow past this: a fuzz input should stay quick to run and small to keep as a fixture. */
export const MAX_INPUT_BYTES = 256 * 1024;

/** Tokens worth inserting anywhere (targets add their own). */
export const COMMON_TOKENS = [
  '"', '\\', '{', '}', '[', ']', ',', ':', '\n', '\r\n', '\r', ' ', '\t', '\u0000', '\ufeff', '\u2028', '\ud800', '\udc00',
  '\\u0000', '\\ud800', '\\udfff', '\\"', 'null', 'true', 'false', '0', '-0', '1e999', '-1', '4294967296', '9007199254740993',
  '1.5', 'NaN', '"__proto__"', '"constructor"', '"toString"', '"hasOwnProperty"', '[[[[[[[[', ']]]]', '{"":{}}', '""',
];

/** Bytes that are not valid UTF-8 on their own: lone continuation, truncated sequences, overlong and surrogate forms. */
const BAD_UTF8 = [[0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xff], [0xfe]];

/** Values a JSON edit puts in place of another. */
function interestingValue(random: Random, dictionary: readonly string[]): unknown {
  switch (random.int(12)) {
    case 0: return null;
    case 1: return random.pick([0, -1, 1, -0, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53 + 1, 1e-320]);
    case 2: return random.pick([true, false]);
    case 3: return '';
    case 4: return random.pick(dictionary);
    case 5: return 'x'.repeat(random.small(70_000));
    case 6: return [];
    case 7: return {};
    case 8: return random.pick(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);
    case 9: return random.pick(['\u0000', '\ud800', '\udfff', '\ufffd', '\u200b', 'é', '字', '😀', '\r\n', '\u2028']);
    case 10: return nest(random.small(3000));
    default: return [random.pick(dictionary), random.int(100)];
  }
}

function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** One structural edit somewhere in a parsed JSON value; returns the new root. */
export function mutateJson(root: unknown, random: Random, dictionary: readonly string[]): unknown {
  // walk a random path down, then edit the container found there
  let parent: unknown = null;
  let key: string | number | null = null;
  let node = root;
  while (node && typeof node === 'object' && random.chance(0.75)) {
    const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node;
    key = random.pick(keys);
    node = (node as Record<string | number, unknown>)[key];
  }
  const replace = (value: unknown): unknown => {
    if (parent === null || key === null) return value;
    (parent as Record<string | number, unknown>)[key] = value;
    return root;
  };
  const container = node && typeof node === 'object' ? (node as Record<string | number, unknown>) : null;
  switch (random.int(6)) {
    case 0: return replace(interestingValue(random, dictionary));
    case 1: // delete a key or element
      if (container && Array.isArray(container)) container.splice(random.int(container.length + 1), 1);
      else if (container) delete container[random.pick(Object.keys(container).concat(['']))];
      return root;
    case 2: // add a key or element
      if (container && Array.isArray(container)) container.splice(random.int(container.length + 1), 0, interestingValue(random, dictionary));
      else if (container) {
        // defineProperty, so that a key named __proto__ becomes an own key (as JSON.parse makes it), not the prototype
        const name = JSON.parse(random.pick(dictionary.filter((token) => /^".*"$/.test(token)).concat(['"x"']))) as string;
        Object.defineProperty(container, name, { value: interestingValue(random, dictionary), enumerable: true, writable: true, configurable: true });
      }
      return root;
    case 3: // copy an element: repeated turns, duplicate keys' values
      if (container && Array.isArray(container) && container.length > 0) {
        for (let n = random.small(64); n >= 0; n--) container.push(structuredCloneSafe(random.pick(container)));
      }
      return root;
    case 4: return replace(random.chance(0.5) ? [node] : { [random.pick(['content', 'role', 'text', 'value', 'messages'])]: node });
    default: // numbers near their own edges
      return replace(typeof node === 'number' ? random.pick([node + 1, node - 1, -node, node * 1e6, node / 3, 0]) : typeof node === 'string' ? node.repeat(random.small(8)) : interestingValue(random, dictionary));
  }
}

function structuredCloneSafe(value: unknown): unknown {
  const text = stringify(value);
  return text === null ? null : (JSON.parse(text) as unknown);
}

/** JSON.stringify, or null where it cannot (nesting deeper than its recursion allows, undefined). */
export function stringify(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

/** One byte-level edit. `others` are the target's seeds, for splicing. */
export function mutateBytes(input: Buffer, random: Random, dictionary: readonly string[], others: readonly Buffer[]): Buffer {
  const at = random.int(input.length + 1);
  const span = Math.min(input.length - at, 1 + random.small(64));
  switch (random.int(9)) {
    case 0: { // flip a bit
      if (input.length === 0) return input;
      const copy = Buffer.from(input);
      copy[Math.min(at, copy.length - 1)] ^= 1 << random.int(8);
      return copy;
    }
    case 1: return Buffer.concat([input.subarray(0, at), input.subarray(at + span)]); // delete
    case 2: return Buffer.concat([input.subarray(0, at), Buffer.from(random.pick(dictionary)), input.subarray(at)]); // insert a token
    case 3: return Buffer.concat([input.subarray(0, at), Buffer.from(random.pick(BAD_UTF8)), input.subarray(at)]);
    case 4: { // repeat a slice many times: long lines, many records
      const slice = input.subarray(at, at + span);
      return Buffer.concat([input.subarray(0, at), ...Array<Buffer>(1 + random.small(200)).fill(slice), input.subarray(at)]);
    }
    case 5: { // splice in a piece of another seed
      const other = random.pick(others);
      const from = random.int(other.length + 1);
      return Buffer.concat([input.subarray(0, at), other.subarray(from, from + 1 + random.small(4096)), input.subarray(at + (random.chance(0.5) ? span : 0))]);
    }
    case 6: return input.subarray(0, at); // truncate
    case 7: { // overwrite with an ASCII digit or sign: lengths, offsets and counts
      const copy = Buffer.from(input);
      for (let i = 0; i < 1 + random.small(4) && at + i < copy.length; i++) copy[at + i] = random.pick([0x30, 0x39, 0x2d, 0x2e, 0x65, 0x20, 0x00, 0xff]);
      return copy;
    }
    default: return Buffer.concat([input.subarray(0, at), Buffer.from(random.pick(COMMON_TOKENS)), input.subarray(at)]);
  }
}

/** A JSON edit when the text parses (compact output, as most tools write), else a byte edit. */
export function mutateJsonText(input: Buffer, random: Random, dictionary: readonly string[], others: readonly Buffer[]): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.toString('utf8'));
  } catch {
    return mutateBytes(input, random, dictionary, others);
  }
  const text = stringify(mutateJson(parsed, random, dictionary));
  return text === null ? input : Buffer.from(text);
}

/** Several stacked edits (mostly one to four), capped at MAX_INPUT_BYTES. */
export function stacked(input: Buffer, random: Random, edit: (input: Buffer, random: Random) => Buffer): Buffer {
  let out = input;
  for (let n = 1 + random.small(7); n > 0; n--) {
    out = edit(out, random);
    if (out.length > MAX_INPUT_BYTES) out = out.subarray(0, MAX_INPUT_BYTES);
  }
  return out;
}
