// The run's data as prompt/completion records that train the same tokens: each trained assistant turn becomes one
// record whose prompt is the conversation before it and whose completion is that turn, so an engine's
// completion-only loss covers exactly what our trainer's mask covers (loss-alignment.ts checks it). The records and
// the train/eval split are the run's own: the same lint gate, truncation, skipped records and seeded eval split.
import { loadChatTokenizer, type ChatTokenizer } from '../../../tokenizer/src/tokenizer';
import type { CanonicalExample } from '../../../datasets/src/index';
import { UserError } from '../../../contracts/src/user-error';
import type { TrainingArguments } from '../../../contracts/src/training-arguments';
import { readTrainableExamples, splitForEval, tokenizeExamples } from '../train/data';
import { alignLossTokens, carriesSameLoss } from './loss-alignment';

export interface ChatMessage {
  role: string;
  content: string;
}

export type RecipeRecord =
  | { kind: 'chat'; line: number; prompt: ChatMessage[]; completion: ChatMessage[] }
  | { kind: 'text'; line: number; text: string };

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
  kind: 'chat' | 'text';
  train: RecipeRecord[];
  eval: RecipeRecord[];
  trainConversations: RecipeConversation[];
  evalConversations: RecipeConversation[];
  alignment: LossAlignmentSummary;
  /** Trained turns past --max-seq-len in our run (never trained there): left out. */
  droppedTurns: number;
  /** Records with no trained token after truncation (our run skips them too). */
  skippedRecords: number;
}

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

/** Reads, checks and splits the run's data as the trainer does, then converts every kept record. */
export async function buildRecipeDataset(args: TrainingArguments): Promise<RecipeDataset> {
  const tokenizer = loadChatTokenizer(args.model);
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
  const alignment: LossAlignmentSummary = { exact: 0, plusTrailingWhitespace: 0, different: 0, differentLines: [] };
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
