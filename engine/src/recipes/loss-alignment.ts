// Which tokens carry the loss, ours against a prompt/completion engine's. Our trainer renders a whole conversation
// and trains each trained turn's tokens up to and including its end-of-turn token (io/tokenizer.ts tokenizeChat).
// TRL (and Axolotl's and LLaMA-Factory's prompt/response splits) render the prompt with the generation prompt and
// train what prompt + completion adds to it. This file computes both for one record, so tests and the export itself
// can say whether they agree.
import type { ChatTokenizer, ChatTurn } from '../../../tokenizer/src/tokenizer';

export interface TurnAlignment {
  /** Index of the trained turn in the conversation. */
  turnIndex: number;
  /** Our trained tokens for this turn, [start, end) in the whole conversation's tokens. */
  ourStart: number;
  ourEnd: number;
  /** The prompt/completion record: its prompt's token count (where its trained tokens start) and total length. */
  promptTokens: number;
  recordTokens: number;
  /** The record's tokens up to ourEnd equal the conversation's (same context, same trained tokens). */
  samePrefix: boolean;
  /** What the record trains after our end-of-turn token: the template's text after it (ChatML writes "\n"). */
  extraText: string;
}

/** Runs of 1s in a mask as [start, end) pairs. */
export function trainedRuns(mask: ArrayLike<number | boolean>): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let index = 0; index < mask.length; index++) {
    if (!mask[index]) continue;
    if (runs.length > 0 && runs[runs.length - 1][1] === index) runs[runs.length - 1][1] = index + 1;
    else runs.push([index, index + 1]);
  }
  return runs;
}

/** One alignment per trained turn: our tokens against the record (turns before it as prompt, it as completion). */
export function alignLossTokens(tokenizer: ChatTokenizer, turns: readonly ChatTurn[]): TurnAlignment[] {
  const ours = tokenizer.tokenizeChat(turns);
  const runs = trainedRuns(ours.trainedMask);
  const trainedTurns = turns.flatMap((turn, index) => (turn.trained ? [index] : []));
  return trainedTurns.map((turnIndex, position) => {
    const [ourStart, ourEnd] = runs[position] ?? [ours.ids.length, ours.ids.length];
    const promptIds = tokenizer.encode(tokenizer.renderChat(turns.slice(0, turnIndex), { addGenerationPrompt: true }));
    const recordIds = tokenizer.encode(tokenizer.renderChat(turns.slice(0, turnIndex + 1)));
    const samePrefix = recordIds.length >= ourEnd && recordIds.slice(0, ourEnd).every((id, index) => id === ours.ids[index]);
    return {
      turnIndex,
      ourStart,
      ourEnd,
      promptTokens: promptIds.length,
      recordTokens: recordIds.length,
      samePrefix,
      extraText: recordIds.length > ourEnd ? tokenizer.decode(recordIds.slice(ourEnd)) : '',
    };
  });
}

/** The record trains exactly our tokens, or ours plus only whitespace the template writes after the end-of-turn token. */
export function carriesSameLoss(alignment: TurnAlignment): 'exact' | 'plus-trailing-whitespace' | 'different' {
  if (!alignment.samePrefix || alignment.promptTokens !== alignment.ourStart) return 'different';
  if (alignment.recordTokens === alignment.ourEnd) return 'exact';
  return alignment.extraText.trim() === '' ? 'plus-trailing-whitespace' : 'different';
}
