// The events of a run's metrics.jsonl (docs/run-folder.md): one JSON object per line, `type` first. The trainer
// appends them, the worker streams the same objects to its client, every reader checks them with
// ./run-event-check.ts. Fields are only ever added (optional), so old files keep reading.

/**
 * Preference tuning (`--objective dpo`), as TRL logs them: rewards are β·(log p_policy − log p_reference) of each
 * side's completion, averaged over the step's pairs; margin = mean(chosen − rejected reward); accuracy = share of pairs
 * whose chosen reward is the higher.
 */
export interface PreferenceMetrics {
  rewardsChosen?: number;
  rewardsRejected?: number;
  margin?: number;
  accuracy?: number;
}

export interface StepEvent extends PreferenceMetrics {
  type: 'step';
  /** Optimizer steps completed. */
  step: number;
  /** Mean loss over the step's target tokens (with `--objective dpo`: mean DPO loss over the step's pairs). */
  loss: number;
  /** Learning rate the step used. */
  lr: number;
  /** Tokens in the step's batches (padding excluded). */
  tokens: number;
  tokensPerSecond: number;
  /** Training time since step 0, carried across resumes. */
  elapsedMs: number;
  gradNorm?: number;
  /** The data epoch the next batch comes from (0-based). */
  epoch?: number;
}

export interface EvalEvent extends PreferenceMetrics {
  type: 'eval';
  step: number;
  /** Mean loss over the eval examples' target tokens (dpo: mean DPO loss over the eval pairs). */
  loss: number;
  tokens: number;
  elapsedMs: number;
}

export interface SampleEvent {
  type: 'sample';
  step: number;
  prompt: string;
  completion: string;
}

export interface DoneEvent {
  type: 'done';
  step: number;
  elapsedMs: number;
  /** The result folder, relative to the run folder: `adapter` or `model`. */
  output: string;
  /** The last logged training loss. */
  loss?: number;
  /** The final evaluation's loss, when there is an eval set. */
  evalLoss?: number;
}

export interface ErrorEvent {
  type: 'error';
  step: number;
  message: string;
  elapsedMs: number;
  /** The checkpoint to resume from, relative to the run folder. */
  checkpoint?: string;
}

export interface CancelledEvent {
  type: 'cancelled';
  step: number;
  elapsedMs: number;
  /** The checkpoint to resume from, relative to the run folder. */
  checkpoint?: string;
}

export type RunEvent = StepEvent | EvalEvent | SampleEvent | DoneEvent | ErrorEvent | CancelledEvent;
export type RunEventType = RunEvent['type'];
/** The last event of a run: nothing follows it until a resume. */
export type TerminalEvent = DoneEvent | ErrorEvent | CancelledEvent;

export function isTerminal(event: RunEvent): event is TerminalEvent {
  return event.type === 'done' || event.type === 'error' || event.type === 'cancelled';
}
