// The word-level pieces both text scans share (text-stats.ts for any text, ascii-scan.ts for ASCII-only text): the
// ASCII character classes, word hashes and the refusal/placeholder hints they give, MinHash shingle bins, and the
// final mix of the normalised hash. Both scans must agree to the bit, so they take these from one place.
import { fmix32 } from './hash';

export const WORD_PRIME = 16777619;

// ASCII code units by what the scan does with them: one table load instead of a chain of comparisons.
export const LOWER = 1;
export const UPPER = 2;
export const DIGIT = 3;
export const SPACE_CLASS = 4;
export const CONTROL = 5;
export const AT = 6;
/** '<' and '[': placeholders such as `<answer here>` and `[insert …]` open with them. */
export const OPENER = 7;
export const DASH = 8;
export const UNDERSCORE = 9;
export const ASCII_CLASS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  let kind = 0;
  if (code >= 97 && code <= 122) kind = LOWER;
  else if (code >= 65 && code <= 90) kind = UPPER;
  else if (code >= 48 && code <= 57) kind = DIGIT;
  else if (code === 32 || (code >= 9 && code <= 13)) kind = SPACE_CLASS;
  else if (code < 32 || code === 0x7f) kind = CONTROL;
  else if (code === 64) kind = AT;
  else if (code === 60 || code === 91) kind = OPENER;
  else if (code === 45) kind = DASH;
  else if (code === 95) kind = UNDERSCORE;
  ASCII_CLASS[code] = kind;
}

export const WORD_BASIS = 0x811c9dc5 | 0;

function wordHash(word: string): number {
  let hash = WORD_BASIS;
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), WORD_PRIME);
  return hash;
}

// Pairs of whole lower-cased words that the English refusal and placeholder expressions cannot match without (each
// alternative holds one pair, adjacent, between word boundaries): "an ai", "i'm sorry", "i cannot", "language
// model"; "lorem ipsum", "your answer". Text without any skips those expressions.
const [AN, AI, M, AM, SORRY, AFRAID, I, CANNOT, LANGUAGE, MODEL, LOREM, IPSUM, YOUR, ANSWER, RESPONSE] = [
  'an', 'ai', 'm', 'am', 'sorry', 'afraid', 'i', 'cannot', 'language', 'model', 'lorem', 'ipsum', 'your', 'answer', 'response',
].map(wordHash);
export const REFUSAL = 1;
export const PLACEHOLDER = 2;
// The second words of those pairs by their top hash byte: nearly every word misses here after one load, which is
// cheaper than comparing it with all of them (this runs once per word of every record).
const SECOND_WORDS = new Uint8Array(256);
for (const second of [AI, SORRY, AFRAID, CANNOT, MODEL, IPSUM, ANSWER, RESPONSE]) SECOND_WORDS[second >>> 24] = 1;

/** Hint bits for a word that just ended, given the word before it (see the pairs above). */
export function wordHints(word: number, previousWord: number, ascii: boolean, other: boolean, upper: number): number {
  if (!ascii) return 0;
  // a word mixing ASCII and other letters may hide an English word behind a regex word boundary: assume it does
  if (other) return REFUSAL | PLACEHOLDER;
  let bits = upper >= 3 ? PLACEHOLDER : 0; // TODO, FIXME, TBD
  if (SECOND_WORDS[word >>> 24] === 0) return bits;
  if (
    (word === AI && previousWord === AN) ||
    ((word === SORRY || word === AFRAID) && (previousWord === M || previousWord === AM)) ||
    (word === CANNOT && previousWord === I) ||
    (word === MODEL && previousWord === LANGUAGE)
  ) bits |= REFUSAL;
  else if ((word === IPSUM && previousWord === LOREM) || ((word === ANSWER || word === RESPONSE) && previousWord === YOUR)) bits |= PLACEHOLDER;
  return bits;
}
/** Every secret pattern spans this many characters of [A-Za-z0-9_-] (or a private key's five dashes). */
export const SECRET_MIN_RUN = 13;

/** A MinHash bin update for the shingle (beforePrevious, previous, token). */
export function addShingle(mins: Int32Array, beforePrevious: number, previous: number, token: number): void {
  const shingle = fmix32(Math.imul(beforePrevious, 0x9e3779b1) ^ Math.imul(previous, 0x85ebca77) ^ token);
  const bin = shingle >>> 26;
  const value = shingle & 0x3ffffff;
  if (value < mins[bin]) mins[bin] = value;
}

// The normalised hash is taken over tokens, not characters: a word (its case-folded FNV hash, which the scan computes
// for the shingles anyway), a single other character, or one space for a run of whitespace. The text a token sequence
// stands for is unique, so equal hashes still mean equal normalised text, and the per-character loop keeps one
// multiply chain instead of three. Words and characters mix with different multipliers so neither can pose as the other.
export const HASH_BASIS_1 = 0xdeadbeef | 0;
export const HASH_BASIS_2 = 0x41c6ce57 | 0;
export const CHAR_MIX_1 = 2654435761;
export const CHAR_MIX_2 = 1597334677;
export const WORD_MIX_1 = 0x85ebca6b;
export const WORD_MIX_2 = 0xc2b2ae35;

/** The 53-bit digest of the normalised hash's two lanes. */
export function digest(a: number, b: number): number {
  let h1 = a;
  let h2 = b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
