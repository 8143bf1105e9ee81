// Dataset → token sequences for training: records parsed by the dataset service (the linter's own parser, so what
// lints clean trains; its assertTrainable refuses error findings, naming file:line), rendered with the model's chat
// template through the tokenizer (io/tokenizer.ts, the one mask implementation), truncated to max-seq-len (counted),
// and split into train/eval.
import {
  assertTrainable,
  createEstimateTokenCounter,
  createModelTokenCounter,
  loadEvalIndexSync,
  parseExamples,
  settingsForFile,
  type CanonicalExample,
  type DatasetSettings,
} from '../../../datasets/src/index';
import { UserError } from '../../../contracts/src/user-error';
import { assertReadableFile } from '../../../contracts/src/user-file';
import type { TokenizedExample } from './batching';
import { boundedTokenCounter } from './bounded-token-counter';
import type { ChatTokenizerLike } from './chat-tokenizer-like';
import { SeededRandom } from './random';

export type { ChatTokenizerLike } from './chat-tokenizer-like';

export interface TokenizedDataset {
  examples: TokenizedExample[];
  /** Examples cut at max-seq-len. */
  truncated: number;
  /** Examples left with no trained token (after truncation): skipped, they would only add padding. */
  skipped: number;
  tokens: number;
  targetTokens: number;
}

export function tokenizeExamples(examples: readonly CanonicalExample[], tokenizer: ChatTokenizerLike, maxSeqLen: number): TokenizedDataset {
  const result: TokenizedDataset = { examples: [], truncated: 0, skipped: 0, tokens: 0, targetTokens: 0 };
  for (const example of examples) {
    const limit = { maxTokens: maxSeqLen };
    const rendered = example.format === 'text' ? tokenizer.tokenizeText(example.turns.map((turn) => turn.content).join(''), limit) : tokenizer.tokenizeChat(example.turns, limit);
    let ids = Array.from(rendered.ids);
    let mask = Uint8Array.from(Array.from(rendered.trainedMask, (value) => (value ? 1 : 0)));
    if (ids.length > maxSeqLen) {
      ids = ids.slice(0, maxSeqLen);
      mask = mask.slice(0, maxSeqLen);
      result.truncated++;
    }
    // Position 0 predicts nothing, so a target needs a trained token after it.
    const targets = mask.subarray(1).reduce((sum, bit) => sum + bit, 0);
    if (targets === 0) {
      result.skipped++;
      continue;
    }
    result.examples.push({ line: example.line, ids, trainedMask: mask });
    result.tokens += ids.length;
    result.targetTokens += targets;
  }
  return result;
}

/** A seeded split of `examples` into train and eval (eval gets round(fraction × n), at least one when fraction > 0). */
export function splitForEval<T>(examples: readonly T[], fraction: number, seed: number): { train: T[]; eval: T[] } {
  if (fraction <= 0 || examples.length < 2) return { train: [...examples], eval: [] };
  const order = new SeededRandom(seed).fork('eval-split').shuffle(examples.map((_, index) => index));
  const evalCount = Math.min(examples.length - 1, Math.max(1, Math.round(examples.length * fraction)));
  const held = new Set(order.slice(0, evalCount));
  return { train: examples.filter((_, index) => !held.has(index)), eval: examples.filter((_, index) => held.has(index)) };
}

/** The nearest finetune.config.json's settings for `file` (as the editor applies them), with `overrides`; a bad config is the user's. */
export function datasetSettingsFor(file: string, overrides: Partial<DatasetSettings>): DatasetSettings {
  try {
    return { ...settingsForFile(file).settings, ...overrides };
  } catch (error) {
    throw new UserError((error as Error).message, 'config');
  }
}

/**
 * Reads a dataset file through the dataset service (the linter's own parser, format detection, rules, and the
 * settings of the nearest finetune.config.json) and refuses it when any finding is an error (naming file:line). With
 * an eval file, `eval-overlap` findings compare against it. Recipes (engine/src/recipes) read records this way too.
 */
export async function readTrainableExamples(file: string, tokenizer: ChatTokenizerLike, options: { maxSeqLen: number; modelDir: string; evalFile?: string }): Promise<CanonicalExample[]> {
  assertReadableFile(file, 'dataset file');
  if (options.evalFile) assertReadableFile(options.evalFile, 'eval file');
  const settings = datasetSettingsFor(file, { maxSeqLen: options.maxSeqLen, baseModel: options.modelDir });
  const evalIndex = options.evalFile ? loadEvalIndexSync(options.evalFile) : undefined;
  const tokenCounter = boundedTokenCounter(createModelTokenCounter(options.modelDir, createEstimateTokenCounter()), tokenizer, options.maxSeqLen);
  const parsed = await parseExamples({ path: file }, settings, { tokenCounter, evalIndex });
  assertTrainable(parsed, file);
  if (parsed.examples.length === 0) throw new UserError(`${file}: no records to train on`, 'dataset');
  return parsed.examples;
}

/** Reads a dataset file (readTrainableExamples) and tokenizes its records. */
export async function loadTrainingFile(file: string, tokenizer: ChatTokenizerLike, options: { maxSeqLen: number; modelDir: string; evalFile?: string }): Promise<TokenizedDataset> {
  return tokenizeExamples(await readTrainableExamples(file, tokenizer, options), tokenizer, options.maxSeqLen);
}
