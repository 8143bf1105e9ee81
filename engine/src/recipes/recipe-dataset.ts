// The run's data as prompt/completion records that train the same tokens: each trained assistant turn becomes one
// record whose prompt is the conversation before it and whose completion is that turn, so an engine's
// completion-only loss covers exactly what our trainer's mask covers (loss-alignment.ts checks it). The records and
// the train/eval split are the run's own: the same lint gate, truncation, skipped records and seeded eval split.
// A `--objective dpo` run's data are preference pairs instead (prompt, chosen and rejected message lists), kept and
// split as its trainer keeps and splits them (preference-data.ts).
import { loadChatTokenizer, type ChatTokenizer } from '../../../tokenizer/src/tokenizer';
import type { CanonicalExample } from '../../../datasets/src/index';
import { UserError } from '../../../contracts/src/user-error';
import type { TrainingArguments } from '../../../contracts/src/training-arguments';
import { readTrainableExamples, splitForEval, tokenizeExamples } from '../train/data';
import { tokenizePairs } from '../train/preference-data';
import { alignLossTokens, carriesSameLoss } from './loss-alignment';

export interface ChatMessage {
  role: string;
  content: string;
}

/** A preference pair as TRL's conversational explicit-prompt form holds it: the shared prompt, then each side's answer. */
export interface RecipePair {
  kind: 'pair';
  line: number;
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
}

export type RecipeRecord = { kind: 'chat'; line: number; prompt: ChatMessage[]; completion: ChatMessage[] } | { kind: 'text'; line: number; text: string } | RecipePair;

export interface LossAlignmentSummary {
  /** Records whose completion tokens are exactly our trained tokens. */
  exact: number;
  /** Records that also train whitespace the chat template writes after the end-of-turn token (ChatML's "\n"). */
  plusTrailingWhitespace: number;
  /** Records that differ otherwise (a template that rewrites earlier turns); the first few lines are named. */
  different: number;
  differentLines: number[];
  trailingText?: string;
}

/** A whole kept conversation with each turn's trained flag, for engines that mask per turn (Axolotl). */
export interface RecipeConversation {
  line: number;
  messages: Array<ChatMessage & { trained: boolean }>;
}

export interface RecipeDataset {
  /** 'preference': a dpo run's pairs (train and eval hold `pair` records, no conversations). */
  kind: 'chat' | 'text' | 'preference';
  train: RecipeRecord[];
  eval: RecipeRecord[];
  trainConversations: RecipeConversation[];
  evalConversations: RecipeConversation[];
  alignment: LossAlignmentSummary;
  /** Trained turns past --max-seq-len in our run (never trained there): left out. */
  droppedTurns: number;
  /** Records with no trained token after truncation (our run skips them too); dpo: pairs with a side left without a completion token. */
  skippedRecords: number;
  /** dpo: pair sides longer than --max-seq-len (cut from the end, as TRL's keep_start cuts them). */
  truncatedSides?: number;
}

const emptyAlignment = (): LossAlignmentSummary => ({ exact: 0, plusTrailingWhitespace: 0, different: 0, differentLines: [] });

function toRecords(example: CanonicalExample, tokenizer: ChatTokenizer, maxSeqLen: number, summary: LossAlignmentSummary): { records: RecipeRecord[]; dropped: number } {
  if (example.format === 'text') return { records: [{ kind: 'text', line: example.line, text: example.turns.map((turn) => turn.content).join('') }], dropped: 0 };
  const records: RecipeRecord[] = [];
  let dropped = 0;
  for (const alignment of alignLossTokens(tokenizer, example.turns)) {
    const turn = example.turns[alignment.turnIndex];
    if (turn.role !== 'assistant') throw new UserError(`line ${example.line + 1}: a trained ${turn.role} turn has no prompt/completion equivalent (only assistant turns can be completions)`, 'unsupported');
    // Our run truncates the conversation at max-seq-len: a turn that starts past it was never trained.
    if (alignment.ourStart >= maxSeqLen) {
      dropped++;
      continue;
    }
    const verdict = carriesSameLoss(alignment);
    if (verdict === 'exact') summary.exact++;
    else if (verdict === 'plus-trailing-whitespace') {
      summary.plusTrailingWhitespace++;
      summary.trailingText ??= alignment.extraText;
    } else {
      summary.different++;
      if (summary.differentLines.length < 5) summary.differentLines.push(example.line + 1);
    }
    const message = (index: number): ChatMessage => ({ role: example.turns[index].role, content: example.turns[index].content });
    records.push({
      kind: 'chat',
      line: example.line,
      prompt: example.turns.slice(0, alignment.turnIndex).map((_, index) => message(index)),
      completion: [message(alignment.turnIndex)],
    });
  }
  return { records, dropped };
}

function messages(turns: CanonicalExample['turns']): ChatMessage[] {
  return turns.map((turn) => ({ role: turn.role, content: turn.content }));
}

/** A preference record as a pair of message lists: the prompt turns, then what follows them on each side. */
export function recipePair(example: CanonicalExample): RecipePair {
  const { promptTurns, rejected } = example.preference!;
  return { kind: 'pair', line: example.line, prompt: messages(example.turns.slice(0, promptTurns)), chosen: messages(example.turns.slice(promptTurns)), rejected: messages(rejected.slice(promptTurns)) };
}

/**
 * A dpo run's pairs, as loadPreferenceData keeps them: the same lint gate, the pairs tokenized in TRL's semantics
 * (a pair with a side left without a completion token within --max-seq-len skipped) and the seeded eval split over
 * the kept pairs (or the --eval file's).
 */
async function buildPreferenceDataset(args: TrainingArguments, tokenizer: ChatTokenizer): Promise<RecipeDataset> {
  const options = { maxSeqLen: args.maxSeqLen, modelDir: args.model };
  const read = async (file: string, evalFile?: string) => {
    const examples = await readTrainableExamples(file, tokenizer, { ...options, ...(evalFile ? { evalFile } : {}) });
    const byLine = new Map(examples.map((example) => [example.line, example]));
    const tokenized = tokenizePairs(examples, tokenizer, args.maxSeqLen, file);
    return { pairs: tokenized.pairs.map((pair) => recipePair(byLine.get(pair.line)!)), truncated: tokenized.truncated, skipped: tokenized.skipped };
  };
  const trainData = await read(args.data, args.eval);
  const evalData = args.eval ? await read(args.eval) : undefined;
  const split = evalData ? { train: trainData.pairs, eval: evalData.pairs } : splitForEval(trainData.pairs, args.evalFraction, args.seed);
  return {
    kind: 'preference',
    train: split.train,
    eval: split.eval,
    trainConversations: [],
    evalConversations: [],
    alignment: emptyAlignment(),
    droppedTurns: 0,
    skippedRecords: trainData.skipped + (evalData?.skipped ?? 0),
    truncatedSides: trainData.truncated + (evalData?.truncated ?? 0),
  };
}

/** Reads, checks and splits the run's data as the trainer does, then converts every kept record. */
export async function buildRecipeDataset(args: TrainingArguments): Promise<RecipeDataset> {
  const tokenizer = loadChatTokenizer(args.model);
  if (args.objective === 'dpo') return buildPreferenceDataset(args, tokenizer);
  const options = { maxSeqLen: args.maxSeqLen, modelDir: args.model };
  const trainExamples = await readTrainableExamples(args.data, tokenizer, { ...options, evalFile: args.eval });
  const evalExamples = args.eval ? await readTrainableExamples(args.eval, tokenizer, options) : [];
  // Tokenizing tells which records our run skipped, and the eval split is drawn over the kept ones, as setup.ts does.
  const trainTokenized = tokenizeExamples(trainExamples, tokenizer, args.maxSeqLen);
  const evalTokenized = tokenizeExamples(evalExamples, tokenizer, args.maxSeqLen);
  let trainLines = new Set(trainTokenized.examples.map((example) => example.line));
  let evalLines = new Set(evalTokenized.examples.map((example) => example.line));
  let evalSource = evalExamples;
  if (!args.eval && args.evalFraction > 0) {
    const split = splitForEval(trainTokenized.examples, args.evalFraction, args.seed);
    trainLines = new Set(split.train.map((example) => example.line));
    evalLines = new Set(split.eval.map((example) => example.line));
    evalSource = trainExamples;
  }
  const alignment = emptyAlignment();
  let droppedTurns = 0;
  const convert = (examples: readonly CanonicalExample[], keep: Set<number>) =>
    examples.filter((example) => keep.has(example.line)).flatMap((example) => {
      const { records, dropped } = toRecords(example, tokenizer, args.maxSeqLen, alignment);
      droppedTurns += dropped;
      return records;
    });
  const train = convert(trainExamples, trainLines);
  const evalRecords = convert(evalSource, evalLines);
  const conversations = (examples: readonly CanonicalExample[], keep: Set<number>): RecipeConversation[] =>
    examples.filter((example) => keep.has(example.line) && example.format !== 'text').map((example) => ({ line: example.line, messages: example.turns.map((turn) => ({ role: turn.role, content: turn.content, trained: turn.trained })) }));
  const kinds = new Set([...train, ...evalRecords].map((record) => record.kind));
  if (kinds.size > 1) throw new UserError(`${args.data}: mixes chat and plain-text records; the engines train one kind per dataset, so export them as two runs`, 'unsupported');
  return {
    kind: kinds.has('text') ? 'text' : 'chat',
    train,
    eval: evalRecords,
    trainConversations: conversations(trainExamples, trainLines),
    evalConversations: conversations(evalSource, evalLines),
    alignment,
    droppedTurns,
    skippedRecords: trainTokenized.skipped + evalTokenized.skipped,
  };
}

/**
 * Axolotl's and LLaMA-Factory's preference types take one answer message per side (after a prompt of messages):
 * a pair whose sides hold more turns than one assistant answer has no place there, so it is refused by line.
 */
export function singleAnswers(pair: RecipePair, engine: string): { chosen: ChatMessage; rejected: ChatMessage } {
  const one = (side: ChatMessage[]) => side.length === 1 && side[0].role === 'assistant';
  if (!one(pair.chosen) || !one(pair.rejected)) {
    throw new UserError(`line ${pair.line + 1}: ${engine}'s preference data takes one assistant answer per side, this pair has ${pair.chosen.length} and ${pair.rejected.length} turns after its prompt (export it with --format trl, which takes message lists)`, 'unsupported');
  }
  return { chosen: pair.chosen[0], rejected: pair.rejected[0] };
}
