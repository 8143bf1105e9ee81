// The fast path of scanText (text-stats.ts) for text made only of ASCII code units, which most training text is.
import type { ShingleSink, TextStats } from './text-stats-types';
import {
  addShingle, ASCII_CLASS, AT, CHAR_MIX_1, CHAR_MIX_2, CONTROL, DASH, digest, HASH_BASIS_1, HASH_BASIS_2, OPENER, PLACEHOLDER,
  REFUSAL, SECRET_MIN_RUN, SPACE_CLASS, UNDERSCORE, WORD_BASIS, WORD_MIX_1, WORD_MIX_2, WORD_PRIME, wordHints,
} from './text-words';

const FLAG_CONTROL = 1;
const FLAG_AT = 2;
const FLAG_OPENER = 4;
const FLAG_DASHES = 8;

/**
 * scanText for text of ASCII code units only, or null at the first other one (the caller then runs the general
 * scan). Each word is read by a tight inner loop that keeps only its hash live; everything else happens once per word
 * or per other character. Results equal scanText's exactly (a test holds them equal). Bailing out is safe for the
 * sink: the shingles already binned are the same ones the general scan bins again (a minimum is idempotent), and its
 * counters are only updated at the end.
 */
export function scanAscii(text: string, sink: ShingleSink | null): TextStats | null {
  const classes = ASCII_CLASS;
  const length = text.length;
  let letters = 0;
  let digits = 0;
  let flags = 0;
  let hints = 0;
  let run = 0;
  let longestRun = 0;
  let h1 = HASH_BASIS_1;
  let h2 = HASH_BASIS_2;
  let pendingSpace = false;
  let started = false;
  let previousWord = 0;
  const mins = sink && sink.tokens < sink.maxTokens ? sink.mins : null;
  const maxTokens = sink ? sink.maxTokens - sink.tokens : 0;
  let previous = 0;
  let beforePrevious = 0;
  let tokens = 0;
  let shingles = 0;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    if (code >= 0x80) return null;
    const kind = classes[code];
    if (kind === SPACE_CLASS) {
      if (run > longestRun) longestRun = run;
      run = 0;
      pendingSpace = started;
      i++;
      continue;
    }
    if (pendingSpace) {
      h1 = Math.imul(h1 ^ 32, CHAR_MIX_1);
      h2 = Math.imul(h2 ^ 32, CHAR_MIX_2);
      pendingSpace = false;
    }
    started = true;
    if (code - 97 >>> 0 < 26 || code - 65 >>> 0 < 26 || code - 48 >>> 0 < 10) {
      // a word of letters and digits, case-folded into its hash
      const begin = i;
      const digitsBefore = digits;
      let word = WORD_BASIS;
      let upper = 0;
      for (;;) {
        if (code - 97 >>> 0 < 26) word = Math.imul(word ^ code, WORD_PRIME);
        else if (code - 65 >>> 0 < 26) {
          word = Math.imul(word ^ (code + 32), WORD_PRIME);
          upper++;
        } else if (code - 48 >>> 0 < 10) {
          word = Math.imul(word ^ code, WORD_PRIME);
          digits++;
        } else break;
        if (++i === length) break;
        code = text.charCodeAt(i);
      }
      letters += i - begin - (digits - digitsBefore);
      run += i - begin;
      h1 = Math.imul(h1 ^ word, WORD_MIX_1);
      h2 = Math.imul(h2 ^ word, WORD_MIX_2);
      hints |= wordHints(word, previousWord, i - begin !== digits - digitsBefore, false, upper);
      previousWord = word;
      if (mins !== null && tokens < maxTokens) {
        if (++tokens >= 3) {
          addShingle(mins, beforePrevious, previous, word);
          shingles++;
        }
        beforePrevious = previous;
        previous = word;
      }
      continue;
    }
    // any other character is a token of its own
    if (kind === DASH || kind === UNDERSCORE) {
      run++;
      if (kind === DASH && (flags & FLAG_DASHES) === 0 && text.startsWith('-----', i)) flags |= FLAG_DASHES;
    } else {
      if (run > longestRun) longestRun = run;
      run = 0;
      if (kind === AT) flags |= FLAG_AT;
      else if (kind === OPENER) flags |= FLAG_OPENER;
      else if (kind === CONTROL) flags |= FLAG_CONTROL;
    }
    h1 = Math.imul(h1 ^ code, CHAR_MIX_1);
    h2 = Math.imul(h2 ^ code, CHAR_MIX_2);
    i++;
  }
  if (run > longestRun) longestRun = run;
  if (sink) {
    sink.tokens += tokens;
    sink.shingles += shingles;
  }
  return {
    scriptCounts: [letters, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    letters,
    asciiChars: length,
    cjkChars: 0,
    otherChars: 0,
    digits,
    hasControl: (flags & FLAG_CONTROL) !== 0,
    hasZeroWidth: false,
    hasReplacement: false,
    hasLoneSurrogate: false,
    hasMojibakeLead: false,
    hasAt: (flags & FLAG_AT) !== 0,
    secretHint: longestRun >= SECRET_MIN_RUN || (flags & FLAG_DASHES) !== 0,
    placeholderHint: (flags & FLAG_OPENER) !== 0 || (hints & PLACEHOLDER) !== 0,
    refusalHint: (hints & REFUSAL) !== 0,
    normalizedHash: digest(h1, h2),
  };
}
