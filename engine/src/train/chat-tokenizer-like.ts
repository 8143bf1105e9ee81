// What of the model's chat tokenizer the data loader and the bounded token counter use: its own file, so that
// neither imports the other for a type.
type ChatTurnLike = { role: string; content: string; trained: boolean };

/** The part of the model's chat tokenizer the trainer needs (io/tokenizer.ts provides it). */
export interface ChatTokenizerLike {
  /** `maxTokens`: only that many are kept, so content far beyond them may be cut before tokenizing (io/long-input.ts). */
  tokenizeChat(turns: ReadonlyArray<ChatTurnLike>, options?: { maxTokens?: number }): { ids: ArrayLike<number>; trainedMask: ArrayLike<number | boolean> };
  /** A preference answer's tokens, its completion (TRL's reading: after the prompt's generation prompt) trained. */
  tokenizeCompletion(prompt: ReadonlyArray<ChatTurnLike>, answer: ReadonlyArray<ChatTurnLike>, options?: { maxTokens?: number }): { ids: ArrayLike<number>; trainedMask: ArrayLike<number | boolean> };
  /** Plain language-modelling text (the `text` format): every token trained, EOS appended. */
  tokenizeText(text: string, options?: { maxTokens?: number }): { ids: ArrayLike<number>; trainedMask: ArrayLike<number | boolean> };
  /** Characters in the longest token string (what bounds how much text maxTokens tokens can cover); see io/long-input.ts. */
  readonly longestTokenLength?: number;
}
