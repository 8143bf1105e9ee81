// Records far longer than the model's context (a 40 MB answer pasted into a dataset) are cut before they are
// rendered and tokenized: tokenizing the whole of one took minutes and gigabytes, only for all but the first
// max-seq-len tokens to be dropped. No token covers more characters of text than its own string is long (byte-level
// BPE: one character per byte; sentencepiece: '▁' for a space), so content cut at `(maxTokens + margin) × longest
// token` characters still tokenizes to more than maxTokens tokens, and its first maxTokens are the uncut record's
// (a cut changes only the tokens near it). Tokenizers with an unknown-word token can cover more; they lose text, not
// correctness of what is kept.
import type { ChatTurn } from './chat-template';

/** Tokens beyond the limit that the cut keeps, so the tokens near the cut are never among the first maxTokens. */
const MARGIN_TOKENS = 16;

/** Characters of content that hold more than `maxTokens` tokens for a vocabulary whose longest token is this long. */
export function characterBudget(maxTokens: number, longestTokenLength: number): number {
  return (maxTokens + MARGIN_TOKENS) * Math.max(1, longestTokenLength);
}

/** `text` cut to `maxCharacters` (never inside a surrogate pair). */
export function cutText(text: string, maxCharacters: number): string {
  if (text.length <= maxCharacters) return text;
  const end = /[\uD800-\uDBFF]/.test(text[maxCharacters - 1] ?? '') ? maxCharacters - 1 : maxCharacters;
  return text.slice(0, end);
}

/**
 * The conversation with at most `maxCharacters` characters of content: the turn that crosses the limit is cut, the
 * turns after it are dropped (their tokens would all come after the first maxTokens). Unchanged when it fits.
 */
export function cutTurns<T extends ChatTurn>(turns: readonly T[], maxCharacters: number): { turns: readonly T[]; cut: boolean } {
  let left = maxCharacters;
  for (let index = 0; index < turns.length; index++) {
    const content = turns[index].content;
    if (content.length <= left) {
      left -= content.length;
      continue;
    }
    const kept = turns.slice(0, index);
    if (left > 0) kept.push({ ...turns[index], content: cutText(content, left) });
    return { turns: kept, cut: true };
  }
  return { turns, cut: false };
}
