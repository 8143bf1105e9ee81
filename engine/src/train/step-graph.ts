// The training step as ONE ONNX graph, built once per run: forward (models/, with the method's hooks) → transformers'
// causal-LM loss → reverse-mode gradients of the trainable tensors (autodiff/) → global-norm clipping and AdamW
// (optim/). Frozen weights are initializers (they stay with the session, on the device); trainable tensors and
// their moments travel as inputs/outputs; every hyperparameter is a scalar input, so the schedule needs no rebuild.
//
// Gradient accumulation runs the same graph once per micro-batch: each run adds its gradient to the running sum
// `acc.<name>` it is fed (optim/accumulateInto); the last micro-batch's run also applies AdamW to that sum. The loss
// gradient is seeded with `loss_weight` = the micro-batch's share of the step's target tokens, so the accumulated
// gradient is that of the mean loss over all target tokens (not a mean of per-batch means).
//
// With `--objective dpo` the model's output is each row's completion log-prob, and the loss is DPO's over the batch's
// pairs (preference-loss.ts) against the reference log-probs fed beside the batch; micro-batches weigh by pairs. The
// reference log-probs come from this same graph run forward with the initial trainable values (`sequenceLogprobs`),
// so the reference is exactly the starting policy (TRL's: the base with the adapter off, or the initial weights)
// without a second model in memory.
import type * as ort from 'onnxruntime-node';
import { gradients } from '../autodiff';
import { Graph, tensor } from '../graph';
import type { ModelFolder } from '../io/model-folder';
import { initializerParameters } from '../models/parameters';
import { buildCausalLM } from '../models/registry';
import { NAMES } from '../models/types';
import { accumulateInto, appendAdamW, HYPERPARAMETER_INPUTS, hyperparameterInputs, stateNames } from '../optim';
import { describeDevice } from '../runtime/devices';
import { openGraphSession } from '../runtime/graph-session';
import type { MemoryOptions } from '../runtime/session-options';
import { TrainingArgumentsError, type TrainingArguments } from '../../../contracts/src/training-arguments';
import { IGNORE_INDEX, lossUnits, type Batch } from './batching';
import { dpoLoss, PreferenceTally } from './preference-loss';
import type { TrainableTensor } from './checkpoint';
import { matchesTarget } from './methods/lora';
import { shareTransposedWeights } from './shared-weights';
import type { MethodPlan } from './methods/types';
import type { StepHyperparameters, StepResult, TrainingSession } from './types';

const LOSS_WEIGHT = 'loss_weight';
/** dpo: the reference model's completion log-prob of each row. */
const REFERENCE_LOGPROBS = 'reference_logprobs';

/**
 * Largest logits chunk of the LM head + loss, in bytes. Above it the loss runs over row chunks (models/heads.ts
 * chunkedCausalLmLoss): at Qwen2.5's 152k vocabulary one 4 × 256 batch has 622 MB of logits, and the plain
 * cross-entropy backward holds several copies. 64 MB is ~105 rows there; models up to 16k vocabulary stay whole.
 */
const LOGITS_CHUNK_BYTES = 64 * 1024 ** 2;

/**
 * ORT memory settings of the step session, by measurement on Qwen2.5-0.5B shapes (README "Memory"): prepacking made
 * one packed copy of every frozen matrix per use (forward and backward: 2 GB → 4.4 GB resident), while without it
 * ORT reads the weights in place from the session's external-data file (one copy, file-backed); the memory pattern
 * kept a planned block per batch shape beside the arena (peak 13.4 → 10.9 GB without it, before the chunked loss).
 * Neither cost speed beyond the noise on the bench model; the arena stays (without it steps took ~2×).
 */
const TRAINING_MEMORY: MemoryOptions = { prepack: false, pattern: false };

export interface StepGraphOptions {
  accumulate: boolean;
  /** Row chunks of the LM head + loss (1: the whole logits). */
  lossChunks?: number;
  /** Gradient checkpointing of the decoder layers. */
  checkpointLayers?: boolean;
  /** Batches come packed (several examples a row, batching.makeRowsBatch): segment mask and position_ids input. */
  packed?: boolean;
  /** `--objective dpo`: the DPO loss with this β instead of the causal-LM loss. */
  preference?: { beta: number };
}

/** How many chunks keep one chunk of float32 logits under LOGITS_CHUNK_BYTES for the longest micro-batch. */
export function lossChunksFor(vocabSize: number, tokens: number): number {
  return Math.max(1, Math.ceil((tokens * vocabSize * 4) / LOGITS_CHUNK_BYTES));
}

/** Settings of the memory diet from the arguments; dropout draws new masks when recomputed, so it rules both out. */
function memoryOptions(model: ModelFolder, args: TrainingArguments): Omit<StepGraphOptions, 'accumulate'> {
  const usesDropout = args.dropout > 0 && (args.method === 'lora' || args.method === 'qlora');
  if (args.gradientCheckpointing && usesDropout) throw new TrainingArgumentsError('--gradient-checkpointing needs --dropout 0: a recomputed layer would draw new dropout masks');
  const headHasDropout = usesDropout && matchesTarget('lm_head', args.targetModules);
  return {
    lossChunks: headHasDropout ? 1 : lossChunksFor(model.config.vocabSize, args.batchSize * args.maxSeqLen),
    checkpointLayers: args.gradientCheckpointing,
    packed: args.packing,
    ...(args.objective === 'dpo' ? { preference: { beta: args.beta } } : {}),
  };
}

/** Norm scales and biases are not decayed (the usual AdamW practice, as in transformers' Trainer). */
function decays(tensor: TrainableTensor): boolean {
  return tensor.shape.length > 1;
}

export function buildStepGraph(model: ModelFolder, plan: MethodPlan, options: StepGraphOptions): Graph {
  const { accumulate } = options;
  const graph = new Graph({ name: 'train_step' });
  const frozen = initializerParameters(graph, model.weights);
  const { hooks, inputs } = plan.attach(graph, frozen);
  const chunks = options.lossChunks ?? 1;
  const output = options.preference ? ({ kind: 'sequence-logprobs', ignoreIndex: IGNORE_INDEX, chunks } as const) : ({ kind: 'loss', ignoreIndex: IGNORE_INDEX, chunks } as const);
  const lm = buildCausalLM(graph, model.config, { ...hooks, output, checkpointLayers: options.checkpointLayers ?? false, packed: options.packed ?? false });
  const loss = options.preference
    ? graph.output(dpoLoss(lm.outputs.sequenceLogprobs!, graph.input(REFERENCE_LOGPROBS, 'float32', ['batch']), options.preference.beta), NAMES.loss)
    : lm.outputs.loss!;
  const params = plan.trainable.map((trainable) => inputs.get(trainable.name)!);
  const lossWeight = graph.input(LOSS_WEIGHT, 'float32', []);
  let grads = gradients(graph, loss, params, { seed: lossWeight });
  if (accumulate) grads = accumulateInto(graph, plan.trainable.map((trainable, index) => ({ name: trainable.name, grad: grads[index] })));
  const hyper = hyperparameterInputs(graph);
  const tail = appendAdamW(
    plan.trainable.map((trainable, index) => ({
      param: params[index],
      grad: grads[index],
      m: graph.input(stateNames.m(trainable.name), 'float32', trainable.shape),
      v: graph.input(stateNames.v(trainable.name), 'float32', trainable.shape),
      decay: decays(trainable),
    })),
    hyper,
  );
  plan.trainable.forEach((trainable, index) => {
    graph.output(tail.states[index].param, stateNames.newParam(trainable.name));
    graph.output(tail.states[index].m, stateNames.newM(trainable.name));
    graph.output(tail.states[index].v, stateNames.newV(trainable.name));
  });
  graph.output(tail.gradNorm, stateNames.gradNorm);
  shareTransposedWeights(graph);
  return graph;
}

function allFinite(values: Float32Array): boolean {
  for (let index = 0; index < values.length; index++) if (!Number.isFinite(values[index])) return false;
  return true;
}

function scalar(value: number): ort.Tensor {
  return tensor('float32', [], new Float32Array([value]));
}

function batchFeeds(batch: Batch, preference: boolean): Record<string, ort.Tensor> {
  const dims = [batch.batchSize, batch.sequenceLength];
  return {
    // before the reference is known (computing it), any values do: only the log-probs are fetched
    ...(preference ? { [REFERENCE_LOGPROBS]: tensor('float32', [batch.batchSize], batch.referenceLogprobs ?? new Float32Array(batch.batchSize)) } : {}),
    [NAMES.inputIds]: tensor('int64', dims, batch.inputIds),
    [NAMES.attentionMask]: tensor('int64', dims, batch.attentionMask),
    [NAMES.labels]: tensor('int64', dims, batch.labels),
    ...(batch.positionIds ? { [NAMES.positionIds]: tensor('int64', dims, batch.positionIds) } : {}),
  };
}

export async function createTrainingSession(model: ModelFolder, plan: MethodPlan, args: TrainingArguments): Promise<TrainingSession> {
  const accumulate = args.gradAccumulation > 1;
  const options = memoryOptions(model, args);
  const preference = options.preference !== undefined;
  const graph = buildStepGraph(model, plan, { accumulate, ...options });
  const runtime = { intraOpThreads: args.threads, memory: TRAINING_MEMORY, ...(args.optimization ? { optimization: args.optimization } : {}) };
  const opened = await openGraphSession(graph, { device: args.device, runtime, narrowWeights: args.frozenWeights === 'auto', ...(plan.sessionConfig ? { extra: plan.sessionConfig } : {}) });
  const session = opened.session;
  const trainable = plan.trainable;
  const constantHyperparameters = { beta1: args.beta1, beta2: args.beta2, eps: args.adamEpsilon, weightDecay: args.weightDecay, maxGradNorm: args.maxGradNorm, gradScale: 1 };
  // Zero running sums for the first micro-batch; allocated once.
  const zeros: Float32Array[] = accumulate ? trainable.map((t) => new Float32Array(t.value.length)) : [];

  /** Every input the graph declares: onnxruntime-node refuses a run that leaves one out, whatever it fetches. */
  const feedsFor = (batch: Batch, lossWeight: number, hyper: StepHyperparameters, sums: Float32Array[]): Record<string, ort.Tensor> => {
    const feeds: Record<string, ort.Tensor> = { ...batchFeeds(batch, preference), [LOSS_WEIGHT]: scalar(lossWeight) };
    const values = { ...constantHyperparameters, lr: hyper.learningRate, step: hyper.step };
    for (const [key, name] of Object.entries(HYPERPARAMETER_INPUTS)) feeds[name] = scalar(values[key as keyof typeof values]);
    trainable.forEach((t, index) => {
      feeds[t.name] = tensor('float32', t.shape, t.value);
      feeds[stateNames.m(t.name)] = tensor('float32', t.shape, t.firstMoment);
      feeds[stateNames.v(t.name)] = tensor('float32', t.shape, t.secondMoment);
      if (accumulate) feeds[stateNames.accumulated(t.name)] = tensor('float32', t.shape, sums[index]);
    });
    return feeds;
  };

  return {
    device: opened.device,
    ...(opened.adapter ? { adapter: opened.adapter } : {}),
    deviceDescription: describeDevice(opened),
    trainable,
    async step(microBatches, hyper): Promise<StepResult> {
      const totalUnits = microBatches.reduce((sum, batch) => sum + lossUnits(batch), 0);
      const tally = preference ? new PreferenceTally(args.beta) : undefined;
      const logprobs = preference ? [NAMES.sequenceLogprobs] : [];
      const tallied = (batch: Batch, outputs: ort.InferenceSession.ReturnType) => tally?.add(outputs[NAMES.sequenceLogprobs].data as Float32Array, batch.referenceLogprobs!);
      let sums: Float32Array[] = zeros;
      let loss = 0;
      for (let index = 0; index < microBatches.length - 1; index++) {
        const batch = microBatches[index];
        const weight = lossUnits(batch) / Math.max(1, totalUnits);
        const outputs = await session.run(feedsFor(batch, weight, hyper, sums), [NAMES.loss, ...logprobs, ...trainable.map((t) => stateNames.newAccumulated(t.name))]);
        loss += (outputs[NAMES.loss].data as Float32Array)[0] * weight;
        tallied(batch, outputs);
        sums = trainable.map((t) => outputs[stateNames.newAccumulated(t.name)].data as Float32Array);
      }
      const last = microBatches[microBatches.length - 1];
      const weight = lossUnits(last) / Math.max(1, totalUnits);
      const fetches = [NAMES.loss, ...logprobs, stateNames.gradNorm, ...trainable.flatMap((t) => [stateNames.newParam(t.name), stateNames.newM(t.name), stateNames.newV(t.name)])];
      const outputs = await session.run(feedsFor(last, weight, hyper, sums), fetches);
      loss += (outputs[NAMES.loss].data as Float32Array)[0] * weight;
      tallied(last, outputs);
      const gradNorm = (outputs[stateNames.gradNorm].data as Float32Array)[0];
      const metrics = tally ? { preference: tally.metrics() } : {};
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) return { loss, gradNorm, applied: false, ...metrics };
      // An update can overflow even from finite gradients (a huge learning rate): such a step is refused too.
      if (!trainable.every((t) => allFinite(outputs[stateNames.newParam(t.name)].data as Float32Array))) return { loss: NaN, gradNorm, applied: false };
      for (const t of trainable) {
        t.value.set(outputs[stateNames.newParam(t.name)].data as Float32Array);
        t.firstMoment.set(outputs[stateNames.newM(t.name)].data as Float32Array);
        t.secondMoment.set(outputs[stateNames.newV(t.name)].data as Float32Array);
      }
      return { loss, gradNorm, applied: true, ...metrics };
    },
    async evaluate(batch) {
      // Fetching only the loss (and log-probs) skips the backward and optimizer nodes.
      const outputs = await session.run(feedsFor(batch, 1, { learningRate: 0, step: 1 }, zeros), [NAMES.loss, ...(preference ? [NAMES.sequenceLogprobs] : [])]);
      const units = lossUnits(batch);
      return { lossSum: (outputs[NAMES.loss].data as Float32Array)[0] * units, units, ...(preference ? { sequenceLogprobs: outputs[NAMES.sequenceLogprobs].data as Float32Array } : {}) };
    },
    async sequenceLogprobs(batch) {
      if (!preference) throw new Error('sequenceLogprobs: the step graph was built for --objective sft');
      const outputs = await session.run(feedsFor(batch, 1, { learningRate: 0, step: 1 }, zeros), [NAMES.sequenceLogprobs]);
      return (outputs[NAMES.sequenceLogprobs].data as Float32Array).slice();
    },
    async release() {
      await session.release();
    },
  };
}
