// Preference records → token pairs for `--objective dpo`, in TRL's DPOTrainer semantics: each side is the chat
// template of prompt + answer, and its completion (what the log-probs sum over) is every token after the template of
// the prompt with the generation prompt (tokenizer.tokenizeCompletion). Each side is cut at --max-seq-len from the
// start (TRL's keep_start); a pair with no completion token left on either side is skipped, as TRL drops it.
import type { CanonicalExample } from '../../../datasets/src/index';
import { UserError } from '../../../contracts/src/user-error';
import { PREFERENCE_METHODS, TrainingArgumentsError, type TrainingArguments } from '../../../contracts/src/training-arguments';
import type { TokenizedExample } from './batching';
import type { ChatTokenizerLike } from './chat-tokenizer-like';

export interface TokenizedPair {
  /** 0-based line in the source file. */
  line: number;
  chosen: TokenizedExample;
  rejected: TokenizedExample;
  /** The reference model's completion log-probabilities (set once before training, setup.ts). */
  reference?: { chosen: number; rejected: number };
}

export interface TokenizedPairs {
  pairs: TokenizedPair[];
  /** Sides cut at max-seq-len. */
  truncated: number;
  /** Pairs left without a completion token on a side. */
  skipped: number;
}

/** Refuses what `--objective dpo` does not train, before anything loads. */
export function assertPreferenceArguments(args: TrainingArguments): void {
  if (args.objective !== 'dpo') return;
  if (!(PREFERENCE_METHODS as readonly string[]).includes(args.method)) {
    throw new TrainingArgumentsError(`--objective dpo trains ${PREFERENCE_METHODS.join(', ')}, not --method ${args.method}`);
  }
  if (args.packing) throw new TrainingArgumentsError('--packing is not offered with --objective dpo (each pair is a row of its own)');
}

/** A record that is not a preference pair cannot be trained with dpo: say which line and what it reads as. */
function assertPreferenceRecords(examples: readonly CanonicalExample[], file: string): void {
  const plain = examples.find((example) => !example.preference);
  if (plain) {
    throw new UserError(`${file}:${plain.line + 1}: --objective dpo needs preference records (prompt/chosen/rejected, or chosen/rejected conversations); this one reads as '${plain.format}'`, 'dataset');
  }
}

function side(line: number, tokenized: { ids: ArrayLike<number>; trainedMask: ArrayLike<number | boolean> }, maxSeqLen: number): { example: TokenizedExample; truncated: boolean; targets: number } {
  const ids = Array.from(tokenized.ids).slice(0, maxSeqLen);
  const trainedMask = Uint8Array.from(Array.from(tokenized.trainedMask, (bit) => (bit ? 1 : 0))).slice(0, maxSeqLen);
  // position 0 predicts nothing: a completion token there is not a target
  const targets = trainedMask.subarray(1).reduce((sum, bit) => sum + bit, 0);
  return { example: { line, ids, trainedMask }, truncated: tokenized.ids.length > maxSeqLen, targets };
}

export function tokenizePairs(examples: readonly CanonicalExample[], tokenizer: ChatTokenizerLike, maxSeqLen: number, file: string): TokenizedPairs {
  assertPreferenceRecords(examples, file);
  const result: TokenizedPairs = { pairs: [], truncated: 0, skipped: 0 };
  for (const example of examples) {
    const { promptTurns, rejected } = example.preference!;
    const prompt = example.turns.slice(0, promptTurns);
    const limit = { maxTokens: maxSeqLen };
    const chosenSide = side(example.line, tokenizer.tokenizeCompletion(prompt, example.turns.slice(promptTurns), limit), maxSeqLen);
    const rejectedSide = side(example.line, tokenizer.tokenizeCompletion(prompt, rejected.slice(promptTurns), limit), maxSeqLen);
    result.truncated += Number(chosenSide.truncated) + Number(rejectedSide.truncated);
    if (chosenSide.targets === 0 || rejectedSide.targets === 0) {
      result.skipped++;
      continue;
    }
    result.pairs.push({ line: example.line, chosen: chosenSide.example, rejected: rejectedSide.example });
  }
  return result;
}
