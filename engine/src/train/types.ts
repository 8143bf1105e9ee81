// The seams between the training loop and what it drives: the compiled step (step-graph.ts) and the dataset
// (data.ts). The loop only sees these interfaces, so it reads in one screen and tests can follow it step by step.
import type { Batch } from './batching';
import type { TrainableTensor } from './checkpoint';
import type { PreferenceMetrics } from '../../../contracts/src/run/run-events';

/** Hyperparameters fed to the step graph as scalar inputs, so the schedule never rebuilds it. */
export interface StepHyperparameters {
  learningRate: number;
  /** 1-based optimizer step (AdamW bias correction). */
  step: number;
}

export interface StepResult {
  /** Mean loss over the target tokens of all micro-batches. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** False when the loss or gradients were NaN/inf: the update was not applied. */
  applied: boolean;
  /** `--objective dpo`: rewards, margin and accuracy over the step's pairs. */
  preference?: PreferenceMetrics;
}

export interface EvaluationResult {
  /** The batch's loss times its units. */
  lossSum: number;
  /** What the loss averages over: target tokens, or pairs with `--objective dpo`. */
  units: number;
  /** dpo: each row's completion log-prob under the current weights (chosen rows first). */
  sequenceLogprobs?: Float32Array;
}

export interface TrainingSession {
  /** The device that runs the step (after `auto` resolution). */
  readonly device: string;
  /** One line: the device, and why better ones were skipped. */
  /** The adapter behind a GPU device when it can be told ("Vulkan: NVIDIA"). */
  readonly adapter?: string;
  readonly deviceDescription: string;
  /** Trainable tensors with their moments; a successful step updates them in place. */
  readonly trainable: TrainableTensor[];
  /** One optimizer step over the given micro-batches (gradient accumulation when there are several). */
  step(microBatches: readonly Batch[], hyperparameters: StepHyperparameters): Promise<StepResult>;
  /** The batch's summed loss and its units, without updating anything. */
  evaluate(batch: Batch): Promise<EvaluationResult>;
  /** dpo: each row's completion log-prob under the current weights (how the reference log-probs are made). */
  sequenceLogprobs(batch: Batch): Promise<Float32Array>;
  release(): Promise<void>;
}
