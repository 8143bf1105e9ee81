// One pass over a string that gathers what every rule and index needs: scripts (language-mismatch), suspicious code
// units (encoding), prefilters (pii, secrets), the counts behind the token estimate, the whitespace/case-normalised
// hash (duplicates, echo) and the word shingles of the MinHash signature (near-duplicates). Reading each character
// once instead of once per rule is what keeps `finetune lint` close to the cost of JSON.parse itself.
import { caseFoldTable, fmix32, isWhitespaceCode } from './hash';

export type Script = 'latin' | 'han' | 'kana' | 'hangul' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'devanagari' | 'thai';

export const SCRIPTS: readonly Script[] = ['latin', 'han', 'kana', 'hangul', 'cyrillic', 'greek', 'arabic', 'hebrew', 'devanagari', 'thai'];

export interface TextStats {
  /** Letters per script, indexed like SCRIPTS. */
  scriptCounts: number[];
  letters: number;
  asciiChars: number;
  cjkChars: number;
  otherChars: number;
  digits: number;
  /** Code units rules want to look at more closely; each flag is a cheap prefilter, never a finding by itself. */
  hasControl: boolean;
  hasZeroWidth: boolean;
  hasReplacement: boolean;
  hasLoneSurrogate: boolean;
  hasMojibakeLead: boolean;
  hasAt: boolean;
  /** 53-bit hash of the text folded to lower case with whitespace runs collapsed and trimmed. */
  normalizedHash: number;
}

/** Accumulates MinHash bins over word 3-shingles (a CJK character counts as a word) across a record's fields. */
export class ShingleSink {
  readonly mins = new Int32Array(64).fill(0x7fffffff);
  shingles = 0;
  tokens = 0;
  constructor(readonly maxTokens: number) {}
}

function scriptIndex(code: number): number {
  if (code >= 0xc0 && code <= 0x24f) return code === 0xd7 || code === 0xf7 ? -1 : 0;
  if (code >= 0x4e00 && code <= 0x9fff) return 1;
  if (code >= 0x3400 && code <= 0x4dbf) return 1;
  if (code >= 0xf900 && code <= 0xfaff) return 1;
  if (code >= 0x3040 && code <= 0x30ff) return 2;
  if ((code >= 0xac00 && code <= 0xd7af) || (code >= 0x1100 && code <= 0x11ff)) return 3;
  if (code >= 0x400 && code <= 0x4ff) return 4;
  if (code >= 0x370 && code <= 0x3ff) return 5;
  if (code >= 0x600 && code <= 0x6ff) return 6;
  if (code >= 0x590 && code <= 0x5ff) return 7;
  if (code >= 0x900 && code <= 0x97f) return 8;
  if (code >= 0xe00 && code <= 0xe7f) return 9;
  if (code >= 0x1e00 && code <= 0x1eff) return 0;
  return -1;
}

/** A zero-width code unit that has no business in training text (ZWJ/ZWNJ are left alone: emoji and Persian use them). */
export function isZeroWidth(code: number): boolean {
  return code === 0x200b || code === 0x2060 || code === 0xfeff;
}

/** C0 controls other than tab/newline/carriage return, DEL, and the C1 block. */
export function isControl(code: number): boolean {
  return (code < 32 && code !== 9 && code !== 10 && code !== 13) || (code >= 0x7f && code <= 0x9f);
}

const WORD_PRIME = 16777619;

/** Shingle state between calls of emitToken: previous token, the one before, tokens seen, shingles made. */
const SHINGLE_STATE = new Int32Array(4);

function emitToken(mins: Int32Array, token: number): void {
  const state = SHINGLE_STATE;
  if (++state[2] >= 3) {
    const shingle = fmix32(Math.imul(state[1], 0x9e3779b1) ^ Math.imul(state[0], 0x85ebca77) ^ token);
    const bin = shingle >>> 26;
    const value = shingle & 0x3ffffff;
    if (value < mins[bin]) mins[bin] = value;
    state[3]++;
  }
  state[1] = state[0];
  state[0] = token;
}

const SPACE = 0;
const WORD = 1;
const CJK = 2;
const OTHER = 3;

export function scanText(text: string, sink: ShingleSink | null = null): TextStats {
  const fold = caseFoldTable();
  // a plain array: small typed arrays cost more to allocate than they save here
  const scriptCounts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  let letters = 0;
  let asciiChars = 0;
  let cjkChars = 0;
  let otherChars = 0;
  let digits = 0;
  let hasControl = false;
  let hasZeroWidth = false;
  let hasReplacement = false;
  let hasLoneSurrogate = false;
  let hasMojibakeLead = false;
  let hasAt = false;
  // normalised hash: two multiply lanes; a pending space is emitted only before the next non-space character
  let h1 = 0xdeadbeef | 0;
  let h2 = 0x41c6ce57 | 0;
  let pendingSpace = false;
  let started = false;
  // shingles: words of letters and digits, each CJK character a token of its own; state in SHINGLE_STATE
  const mins = sink && sink.tokens < sink.maxTokens ? sink.mins : null;
  SHINGLE_STATE.fill(0);
  const maxTokens = sink ? sink.maxTokens - sink.tokens : 0;
  let word = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    let kind = OTHER;
    if (code < 0x80) {
      asciiChars++;
      if (code >= 97 && code <= 122) {
        scriptCounts[0]++;
        letters++;
        kind = WORD;
      } else if (code === 32) kind = SPACE;
      else if (code >= 65 && code <= 90) {
        scriptCounts[0]++;
        letters++;
        kind = WORD;
        code += 32;
      } else if (code >= 48 && code <= 57) {
        digits++;
        kind = WORD;
      } else if (code < 32) {
        if (code >= 9 && code <= 13) kind = SPACE;
        else hasControl = true;
      } else if (code === 64) hasAt = true;
      else if (code === 0x7f) hasControl = true;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) otherChars++;
      else hasLoneSurrogate = true;
    } else if (isWhitespaceCode(code)) {
      otherChars++;
      kind = SPACE;
    } else {
      if (code <= 0x9f) hasControl = true;
      else if (code >= 0xc2 && code <= 0xf4) hasMojibakeLead = true;
      else if (code === 0xfffd) hasReplacement = true;
      else if (isZeroWidth(code)) hasZeroWidth = true;
      const script = scriptIndex(code);
      if (script >= 0) {
        scriptCounts[script]++;
        letters++;
        kind = script >= 1 && script <= 3 ? CJK : WORD;
      }
      if (kind === CJK || (code >= 0x3000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xffef)) cjkChars++;
      else otherChars++;
      code = fold[code];
    }
    if (kind === SPACE) {
      pendingSpace = started;
    } else {
      if (pendingSpace) {
        h1 = Math.imul(h1 ^ 32, 2654435761);
        h2 = Math.imul(h2 ^ 32, 1597334677);
        pendingSpace = false;
      }
      started = true;
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    if (mins === null) continue;
    if (kind === WORD) {
      word = Math.imul((inWord ? word : 0x811c9dc5) ^ code, WORD_PRIME);
      inWord = true;
      continue;
    }
    if (SHINGLE_STATE[2] >= maxTokens) continue;
    if (inWord) {
      emitToken(mins, word);
      inWord = false;
    }
    if (kind === CJK) emitToken(mins, Math.imul(code, 0x27d4eb2d) ^ 0x5bd1e995);
  }
  if (mins !== null && inWord && SHINGLE_STATE[2] < maxTokens) emitToken(mins, word);
  if (sink) {
    sink.tokens += SHINGLE_STATE[2];
    sink.shingles += SHINGLE_STATE[3];
  }
  return {
    scriptCounts, letters, asciiChars, cjkChars, otherChars, digits, hasControl, hasZeroWidth, hasReplacement, hasLoneSurrogate, hasMojibakeLead, hasAt,
    normalizedHash: digest(h1, h2),
  };
}

function digest(a: number, b: number): number {
  let h1 = a;
  let h2 = b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The token estimate used when no tokenizer is configured: about 4 ASCII characters per token (English BPE), one
 * token per CJK character, 2 other non-ASCII characters per token. Typical BPE vocabularies land within ±30%.
 */
export function estimateTokens(stats: Pick<TextStats, 'asciiChars' | 'cjkChars' | 'otherChars'>): number {
  return Math.ceil(stats.asciiChars / 4 + stats.cjkChars + stats.otherChars / 2);
}

/** The script with the most letters and its share of all letters, or null when there are too few letters to say. */
export function dominantScript(stats: Pick<TextStats, 'scriptCounts' | 'letters'>, minLetters: number): { script: Script; share: number } | null {
  if (stats.letters < minLetters) return null;
  let best = 0;
  for (let i = 1; i < SCRIPTS.length; i++) if (stats.scriptCounts[i] > stats.scriptCounts[best]) best = i;
  // Japanese mixes kana and han: text with a real share of kana counts as kana even when han letters outnumber it.
  if (SCRIPTS[best] === 'han' && stats.scriptCounts[2] >= stats.letters * 0.15) best = 2;
  const share = best === 2 ? (stats.scriptCounts[1] + stats.scriptCounts[2]) / stats.letters : stats.scriptCounts[best] / stats.letters;
  return { script: SCRIPTS[best], share };
}
