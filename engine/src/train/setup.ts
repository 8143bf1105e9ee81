// Everything the loop needs, prepared from the training arguments: the model folder, the tokenized train and eval
// sets, the method's trainable tensors, the compiled step session, and the run's length and warmup.
import { loadModelFolder, type ModelFolder } from '../io/model-folder';
import { findNonFiniteTensor, type NonFiniteTensor } from '../io/non-finite';
import { resolvedLearningRate, type TrainingArguments } from '../../../contracts/src/training-arguments';
import { packRowLength } from './packing';
import { loadExampleData, loadPreferenceData, type TrainingData } from './training-data';
import { assertPreferenceArguments } from './preference-data';
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
  /** Training batches (resumable) and eval batches, for either objective. */
  data: TrainingData;
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
  packRowLength(args); // refuses an unpackable method before anything loads
  assertPreferenceArguments(args);
  const model = loadModelFolder(args.model, { requireTokenizer: true });
  const tokenizer = model.tokenizer!;
  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const data = await (args.objective === 'dpo' ? loadPreferenceData : loadExampleData)(args, tokenizer, padId);
  for (const note of data.notes) onInfo(note);

  const start = args.initAdapter ? readInitialAdapter(args.initAdapter, model, args) : undefined;
  const plan = createPlan(model, start?.args ?? args);
  if (start) {
    start.load(plan);
    onInfo(start.note);
  }
  if (plan.note) onInfo(plan.note);
  const session = await createTrainingSession(model, plan, args);
  onInfo(session.deviceDescription);
  if (args.objective === 'dpo') {
    const started = performance.now();
    await data.prepare(session);
    onInfo(`dpo: reference log-probs of ${data.trainCount + data.evalCount} pairs in ${((performance.now() - started) / 1000).toFixed(1)} s (the starting weights${args.method === 'full' ? '' : ', adapter off'})`);
  }

  const batchesPerEpoch = data.batchesPerEpoch;
  const totalSteps = args.steps ?? Math.max(1, Math.ceil((args.epochs * batchesPerEpoch) / args.gradAccumulation));
  const warmupSteps = args.warmupSteps ?? defaultWarmupSteps(totalSteps);
  const trainableParameters = plan.trainable.reduce((sum, tensor) => sum + tensor.value.length, 0);
  onInfo(`${args.method}: ${trainableParameters.toLocaleString('en-US')} trainable parameters in ${plan.trainable.length} tensors; ${totalSteps} steps`);
  return {
    session,
    data,
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
      trainExamples: data.trainCount,
      evalExamples: data.evalCount,
      truncatedExamples: data.truncated,
      skippedExamples: data.skipped,
      architecture: model.config.arch,
      ...plan.details,
    },
    exportResult: (run) => plan.exportTo(run, model),
    findNonFiniteWeight: () => findNonFiniteTensor(model),
    sample: async () =>
      args.samplePrompt ? sampleReply(model, plan, { prompt: args.samplePrompt, maxNewTokens: args.sampleMaxTokens, device: args.device, threads: args.threads }) : null,
  };
}
