// Everything the loop needs, prepared from the training arguments: the model folder, the tokenized train and eval
// sets, the method's trainable tensors, the compiled step session, and the run's length and warmup.
import { UserError } from '../../../contracts/src/user-error';
import { loadModelFolder, type ModelFolder } from '../io/model-folder';
import { findNonFiniteTensor, type NonFiniteTensor } from '../io/non-finite';
import { resolvedLearningRate, type TrainingArguments } from '../../../contracts/src/training-arguments';
import { planBatches, type TokenizedExample } from './batching';
import { packRowLength } from './packing';
import { loadTrainingFile, splitForEval, type TokenizedDataset } from './data';
import { createFullPlan } from './methods/full';
import { readInitialAdapter } from './methods/init-adapter';
import { createLoraPlan } from './methods/lora';
import { createPromptPlan } from './methods/prompt';
import { createPrefixPlan } from './methods/prefix';
import { createPtuningPlan } from './methods/ptuning';
import { createQloraPlan } from './methods/qlora';
import type { MethodPlan } from './methods/types';
import type { RunFolder } from '../run-folder/run-folder';
import { defaultWarmupSteps } from './schedule';
import { sampleReply } from './sample';
import { createTrainingSession } from './step-graph';
import type { TrainingSession } from './types';

export interface PreparedTraining {
  session: TrainingSession;
  train: TokenizedExample[];
  eval: TokenizedExample[];
  padId: number;
  totalSteps: number;
  warmupSteps: number;
  /** Derived values recorded in run.json. */
  resolved: Record<string, unknown>;
  /** Writes adapter/ or model/ from the current trainable values; returns the folder. */
  exportResult(run: RunFolder): string | Promise<string>;
  /** The current model's greedy reply to --sample-prompt (null without one). */
  sample(): Promise<string | null>;
  /** The base model's first tensor holding NaN/inf (read only when a step went non-finite), or null. */
  findNonFiniteWeight(): NonFiniteTensor | null;
}

function describeData(name: string, data: TokenizedDataset, count: number): string {
  const notes = [data.truncated > 0 ? `${data.truncated} truncated to --max-seq-len` : '', data.skipped > 0 ? `${data.skipped} skipped (no trained tokens left)` : ''].filter(Boolean);
  return `${name}: ${count} examples${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** The method's plan; `note` is a line for the log (QLoRA: the base's size in 4 bits). */
function createPlan(model: ModelFolder, args: TrainingArguments): MethodPlan & { note?: string; details?: Record<string, unknown> } {
  switch (args.method) {
    case 'lora':
      return createLoraPlan(model, args);
    case 'qlora': {
      const plan = createQloraPlan(model, args);
      const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
      return {
        ...plan,
        note: `qlora: ${plan.base.tensors.size} base projections in ${args.quantType} (${mb(plan.base.quantizedBytes)} instead of ${mb(plan.base.float32Bytes)} in float32)`,
        details: { quantType: args.quantType, quantizedBaseBytes: plan.base.quantizedBytes, float32BaseBytes: plan.base.float32Bytes },
      };
    }
    case 'prompt':
      return createPromptPlan(model, args);
    case 'ptuning':
      return createPtuningPlan(model, args);
    case 'prefix':
      return createPrefixPlan(model, args);
    case 'full':
      return createFullPlan(model);
  }
}

export async function prepareTraining(args: TrainingArguments, onInfo: (message: string) => void): Promise<PreparedTraining> {
  const packing = packRowLength(args); // refuses an unpackable method before anything loads
  const model = loadModelFolder(args.model, { requireTokenizer: true });
  const tokenizer = model.tokenizer!;
  const trainData = await loadTrainingFile(args.data, tokenizer, { maxSeqLen: args.maxSeqLen, modelDir: args.model, evalFile: args.eval });
  let trainExamples = trainData.examples;
  let evalExamples: TokenizedExample[] = [];
  let evalData: TokenizedDataset | null = null;
  if (args.eval) {
    evalData = await loadTrainingFile(args.eval, tokenizer, { maxSeqLen: args.maxSeqLen, modelDir: args.model });
    evalExamples = evalData.examples;
  } else if (args.evalFraction > 0) {
    ({ train: trainExamples, eval: evalExamples } = splitForEval(trainData.examples, args.evalFraction, args.seed));
  }
  if (trainExamples.length === 0) {
    const cause = trainData.truncated > 0 ? `the assistant turns of ${trainData.truncated} record(s) start beyond --max-seq-len ${args.maxSeqLen}: raise it or shorten the prompts` : 'no record has an assistant turn to learn';
    throw new UserError(`${args.data}: no example has a trained token to learn from (${cause})`, 'dataset');
  }
  onInfo(describeData(`train ${args.data}`, trainData, trainExamples.length));
  if (evalExamples.length > 0) onInfo(describeData(`eval ${args.eval ?? `${Math.round(args.evalFraction * 100)}% of ${args.data}`}`, evalData ?? trainData, evalExamples.length));

  const start = args.initAdapter ? readInitialAdapter(args.initAdapter, model, args) : undefined;
  const plan = createPlan(model, start?.args ?? args);
  if (start) {
    start.load(plan);
    onInfo(start.note);
  }
  if (plan.note) onInfo(plan.note);
  const session = await createTrainingSession(model, plan, args);
  onInfo(session.deviceDescription);

  const batchesPerEpoch = planBatches(trainExamples.map((example) => example.ids.length), args.batchSize, args.seed, 0, packing).length;
  const totalSteps = args.steps ?? Math.max(1, Math.ceil((args.epochs * batchesPerEpoch) / args.gradAccumulation));
  const warmupSteps = args.warmupSteps ?? defaultWarmupSteps(totalSteps);
  const trainableParameters = plan.trainable.reduce((sum, tensor) => sum + tensor.value.length, 0);
  onInfo(`${args.method}: ${trainableParameters.toLocaleString('en-US')} trainable parameters in ${plan.trainable.length} tensors; ${totalSteps} steps`);
  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  return {
    session,
    train: trainExamples,
    eval: evalExamples,
    padId,
    totalSteps,
    warmupSteps,
    resolved: {
      learningRate: resolvedLearningRate(args),
      totalSteps,
      warmupSteps,
      batchesPerEpoch,
      device: session.device,
      ...(session.adapter ? { adapter: session.adapter } : {}),
      deviceDescription: session.deviceDescription,
      trainableParameters,
      trainExamples: trainExamples.length,
      evalExamples: evalExamples.length,
      truncatedExamples: trainData.truncated + (evalData?.truncated ?? 0),
      skippedExamples: trainData.skipped + (evalData?.skipped ?? 0),
      architecture: model.config.arch,
      ...plan.details,
    },
    exportResult: (run) => plan.exportTo(run, model),
    findNonFiniteWeight: () => findNonFiniteTensor(model),
    sample: async () =>
      args.samplePrompt ? sampleReply(model, plan, { prompt: args.samplePrompt, maxNewTokens: args.sampleMaxTokens, device: args.device, threads: args.threads }) : null,
  };
}
