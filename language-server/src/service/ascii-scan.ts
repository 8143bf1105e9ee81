// The fast path of scanText (text-stats.ts) for text made only of ASCII code units, which most training text is.
import type { ShingleSink, TextStats } from './text-stats';
import {
  addShingle, ASCII_CLASS, AT, CONTROL, DASH, digest, DIGIT, LOWER, OPENER, PLACEHOLDER, REFUSAL, SECRET_MIN_RUN, SPACE_CLASS,
  UNDERSCORE, UPPER, WORD_BASIS, WORD_PRIME, wordHints,
} from './text-words';

const FLAG_CONTROL = 1;
const FLAG_AT = 2;
const FLAG_OPENER = 4;
const FLAG_DASHES = 8;

/**
 * scanText for text of ASCII code units only, or null at the first other one (the caller then runs the general
 * scan). Most training text is ASCII; without script, surrogate and fold logic and with its flags packed in one
 * integer, this loop keeps far fewer variables live and runs about 1.5x faster. Results equal scanText's exactly.
 * Bailing out is safe for the sink: the shingles already binned are the same ones the general scan bins again (a
 * minimum is idempotent), and its counters are only updated at the end.
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
  let h1 = 0xdeadbeef | 0;
  let h2 = 0x41c6ce57 | 0;
  let pendingSpace = false;
  let started = false;
  let word = WORD_BASIS;
  let previousWord = 0;
  let inWord = false;
  let wordAscii = false;
  let wordUpper = 0;
  const mins = sink && sink.tokens < sink.maxTokens ? sink.mins : null;
  const maxTokens = sink ? sink.maxTokens - sink.tokens : 0;
  let previous = 0;
  let beforePrevious = 0;
  let tokens = 0;
  let shingles = 0;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0x80) return null;
    const kind = classes[code];
    if (kind === LOWER) {
      if (pendingSpace) {
        h1 = Math.imul(h1 ^ 32, 2654435761);
        h2 = Math.imul(h2 ^ 32, 1597334677);
        pendingSpace = false;
      }
      let a = h1;
      let b = h2;
      let w = word;
      let j = i;
      for (;;) {
        a = Math.imul(a ^ code, 2654435761);
        b = Math.imul(b ^ code, 1597334677);
        w = Math.imul(w ^ code, WORD_PRIME);
        if (++j === length) break;
        code = text.charCodeAt(j);
        if (code < 97 || code > 122) break;
      }
      h1 = a;
      h2 = b;
      word = w;
      letters += j - i;
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
      pendingSpace = started;
      if (!inWord) continue;
    } else {
      if (kind === UPPER || kind === DIGIT) {
        if (kind === UPPER) {
          letters++;
          code += 32;
          wordUpper++;
          wordAscii = true;
        } else digits++;
        run++;
        inWord = true;
        word = Math.imul(word ^ code, WORD_PRIME);
      } else if (kind === DASH || kind === UNDERSCORE) {
        run++;
        if (kind === DASH && (flags & FLAG_DASHES) === 0 && text.startsWith('-----', i)) flags |= FLAG_DASHES;
      } else {
        if (run > longestRun) longestRun = run;
        run = 0;
        if (kind === AT) flags |= FLAG_AT;
        else if (kind === OPENER) flags |= FLAG_OPENER;
        else if (kind === CONTROL) flags |= FLAG_CONTROL;
      }
      if (pendingSpace) {
        h1 = Math.imul(h1 ^ 32, 2654435761);
        h2 = Math.imul(h2 ^ 32, 1597334677);
        pendingSpace = false;
      }
      started = true;
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
      if (kind === UPPER || kind === DIGIT || !inWord) continue;
    }
    // a word ended: hints, then shingles
    hints |= wordHints(word, previousWord, wordAscii, false, wordUpper);
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
    wordUpper = 0;
  }
  if (run > longestRun) longestRun = run;
  if (inWord) {
    hints |= wordHints(word, previousWord, wordAscii, false, wordUpper);
    if (mins !== null && tokens < maxTokens && ++tokens >= 3) {
      addShingle(mins, beforePrevious, previous, word);
      shingles++;
    }
  }
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
