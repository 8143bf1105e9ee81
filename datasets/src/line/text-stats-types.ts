// What a scan of one string yields (TextStats) and where its MinHash shingles go (ShingleSink): shared by the general
// scan (text-stats.ts) and its ASCII fast path (ascii-scan.ts), which text-stats.ts calls first.
export interface TextStats {
  /** Letters per script, indexed like SCRIPTS (text-stats.ts). */
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
  /** A run of 13+ characters of [A-Za-z0-9_-] or five dashes: every credential pattern of `secret` needs one. */
  secretHint: boolean;
  /** What the placeholder expression needs: '<', '[', 待, 填, a word of 3+ capitals (TODO), "lorem ipsum", "your answer". */
  placeholderHint: boolean;
  /** A word pair the English refusal expression needs: "an ai", "i'm sorry", "i cannot", "language model". */
  refusalHint: boolean;
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
