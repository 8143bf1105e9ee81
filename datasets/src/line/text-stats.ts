// One pass over a string that gathers what every rule and index needs: scripts (language-mismatch), suspicious code
// units (encoding), prefilters (pii, secrets), the counts behind the token estimate, the whitespace/case-normalised
// hash (duplicates, echo) and the word shingles of the MinHash signature (near-duplicates). Reading each character
// once instead of once per rule is what keeps `finetune lint` close to the cost of JSON.parse itself.
import { scanAscii } from './ascii-scan';
import { caseFoldTable, isWhitespaceCode } from './hash';
import type { ShingleSink, TextStats } from './text-stats-types';
import {
  addShingle, ASCII_CLASS, AT, CHAR_MIX_1, CHAR_MIX_2, CONTROL, DASH, digest, DIGIT, HASH_BASIS_1, HASH_BASIS_2, LOWER, OPENER,
  PLACEHOLDER, REFUSAL, SECRET_MIN_RUN, SPACE_CLASS, UNDERSCORE, UPPER, WORD_BASIS, WORD_MIX_1, WORD_MIX_2, WORD_PRIME, wordHints,
} from './text-words';

export { SECRET_MIN_RUN } from './text-words';
export { ShingleSink, type TextStats } from './text-stats-types';

export type Script = 'latin' | 'han' | 'kana' | 'hangul' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'devanagari' | 'thai';

export const SCRIPTS: readonly Script[] = ['latin', 'han', 'kana', 'hangul', 'cyrillic', 'greek', 'arabic', 'hebrew', 'devanagari', 'thai'];

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

/**
 * One pass over the text (see the file comment). The shingle tokens are words of letters and digits (lower-cased)
 * and single CJK characters; a word ends at any other character. Whole words also feed the refusal and placeholder
 * hints: a word mixing ASCII and other letters could hide an English word behind a regex word boundary, so it sets
 * both hints rather than risk a miss.
 */
export function scanText(text: string, sink: ShingleSink | null = null): TextStats {
  return scanAscii(text, sink) ?? scanAnyText(text, sink);
}

/** The general scan: any code units. Exported for the test that holds scanAscii equal to it. */
export function scanAnyText(text: string, sink: ShingleSink | null): TextStats {
  const fold = caseFoldTable();
  const classes = ASCII_CLASS;
  const scriptCounts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const length = text.length;
  let asciiLetters = 0;
  let nonAsciiUnits = 0;
  let otherLetters = 0;
  let cjkChars = 0;
  let otherChars = 0;
  let digits = 0;
  let hasControl = false;
  let hasZeroWidth = false;
  let hasReplacement = false;
  let hasLoneSurrogate = false;
  let hasMojibakeLead = false;
  let hasAt = false;
  let hints = 0;
  let placeholderHint = false;
  // runs of [A-Za-z0-9_-] (secrets); five dashes open a private key's armour
  let run = 0;
  let longestRun = 0;
  let dashRun = false;
  // normalised hash over tokens (text-words.ts); a pending space is emitted only before the next token
  let h1 = HASH_BASIS_1;
  let h2 = HASH_BASIS_2;
  let pendingSpace = false;
  let started = false;
  // the current word: its hash, whether it has ASCII / other letters, its upper-case letters
  let word = WORD_BASIS;
  let previousWord = 0;
  let inWord = false;
  let wordAscii = false;
  let wordOther = false;
  let wordUpper = 0;
  // shingles: the two previous tokens, tokens seen, shingles made
  const mins = sink && sink.tokens < sink.maxTokens ? sink.mins : null;
  const maxTokens = sink ? sink.maxTokens - sink.tokens : 0;
  let previous = 0;
  let beforePrevious = 0;
  let tokens = 0;
  let shingles = 0;
  for (let i = 0; i <= length; i++) {
    // i === length ends the last word
    let code = i < length ? text.charCodeAt(i) : 32;
    // -1 whitespace, 0 any other character (a token of its own, ends a word), 1 part of a word, 2 CJK (a token)
    let wordPart = 0;
    if (i === length) wordPart = -1;
    else if (code < 0x80) {
      const kind = classes[code];
      if (kind === LOWER) {
        // most text is runs of lower-case letters: a tight loop with only the word hash live
        let w = word;
        let j = i;
        for (;;) {
          w = Math.imul(w ^ code, WORD_PRIME);
          if (++j === length) break;
          code = text.charCodeAt(j);
          if (code < 97 || code > 122) break;
        }
        if (!inWord && pendingSpace) {
          h1 = Math.imul(h1 ^ 32, CHAR_MIX_1);
          h2 = Math.imul(h2 ^ 32, CHAR_MIX_2);
          pendingSpace = false;
        }
        word = w;
        asciiLetters += j - i;
        run += j - i;
        i = j - 1;
        inWord = true;
        wordAscii = true;
        started = true;
        continue;
      }
      if (kind === SPACE_CLASS) {
        if (run > longestRun) longestRun = run;
        run = 0;
        wordPart = -1;
      } else if (kind === UPPER) {
        asciiLetters++;
        code += 32;
        wordUpper++;
        wordAscii = true;
        wordPart = 1;
        run++;
      } else if (kind === DIGIT) {
        digits++;
        wordPart = 1;
        run++;
      } else if (kind === DASH || kind === UNDERSCORE) {
        run++;
        if (kind === DASH && !dashRun && text.startsWith('-----', i)) dashRun = true;
      } else {
        if (run > longestRun) longestRun = run;
        run = 0;
        if (kind === AT) hasAt = true;
        else if (kind === OPENER) placeholderHint = true;
        else if (kind === CONTROL) hasControl = true;
      }
    } else {
      nonAsciiUnits++;
      if (run > longestRun) longestRun = run;
      run = 0;
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) otherChars++;
        else if (code <= 0xdbff || !(i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) hasLoneSurrogate = true;
      } else if (isWhitespaceCode(code)) {
        otherChars++;
        wordPart = -1;
      } else {
        if (code <= 0x9f) hasControl = true;
        else if (code >= 0xc2 && code <= 0xf4) hasMojibakeLead = true;
        else if (code === 0xfffd) hasReplacement = true;
        else if (isZeroWidth(code)) hasZeroWidth = true;
        else if (code === 0x5f85 || code === 0x586b) placeholderHint = true; // 待, 填
        const script = scriptIndex(code);
        if (script >= 0) {
          scriptCounts[script]++;
          otherLetters++;
          if (script >= 1 && script <= 3) wordPart = 2;
          else {
            wordPart = 1;
            wordOther = true;
          }
        }
        if (wordPart === 2 || (code >= 0x3000 && code <= 0x303f) || (code >= 0xff00 && code <= 0xffef)) cjkChars++;
        else otherChars++;
        code = fold[code];
      }
    }
    if (wordPart === 1) {
      if (!inWord && pendingSpace) {
        h1 = Math.imul(h1 ^ 32, CHAR_MIX_1);
        h2 = Math.imul(h2 ^ 32, CHAR_MIX_2);
        pendingSpace = false;
      }
      started = true;
      word = Math.imul(word ^ code, WORD_PRIME);
      inWord = true;
      continue;
    }
    if (inWord) {
      // a word ended: the normalised hash, hints, then shingles
      h1 = Math.imul(h1 ^ word, WORD_MIX_1);
      h2 = Math.imul(h2 ^ word, WORD_MIX_2);
      hints |= wordHints(word, previousWord, wordAscii, wordOther, wordUpper);
      previousWord = word;
      if (mins !== null && tokens < maxTokens) {
        if (++tokens >= 3) {
          addShingle(mins, beforePrevious, previous, word);
          shingles++;
        }
        beforePrevious = previous;
        previous = word;
      }
      word = WORD_BASIS;
      inWord = false;
      wordAscii = false;
      wordOther = false;
      wordUpper = 0;
    }
    if (wordPart === -1) {
      pendingSpace = started;
      continue;
    }
    // a character token
    if (pendingSpace) {
      h1 = Math.imul(h1 ^ 32, CHAR_MIX_1);
      h2 = Math.imul(h2 ^ 32, CHAR_MIX_2);
      pendingSpace = false;
    }
    started = true;
    h1 = Math.imul(h1 ^ code, CHAR_MIX_1);
    h2 = Math.imul(h2 ^ code, CHAR_MIX_2);
    if (wordPart === 2 && mins !== null && tokens < maxTokens) {
      const token = Math.imul(code, 0x27d4eb2d) ^ 0x5bd1e995;
      if (++tokens >= 3) {
        addShingle(mins, beforePrevious, previous, token);
        shingles++;
      }
      beforePrevious = previous;
      previous = token;
    }
  }
  if (run > longestRun) longestRun = run;
  if (sink) {
    sink.tokens += tokens;
    sink.shingles += shingles;
  }
  scriptCounts[0] += asciiLetters;
  return {
    scriptCounts,
    letters: asciiLetters + otherLetters,
    asciiChars: length - nonAsciiUnits,
    cjkChars,
    otherChars,
    digits,
    hasControl,
    hasZeroWidth,
    hasReplacement,
    hasLoneSurrogate,
    hasMojibakeLead,
    hasAt,
    secretHint: longestRun >= SECRET_MIN_RUN || dashRun,
    placeholderHint: placeholderHint || (hints & PLACEHOLDER) !== 0,
    refusalHint: (hints & REFUSAL) !== 0,
    normalizedHash: digest(h1, h2),
  };
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
