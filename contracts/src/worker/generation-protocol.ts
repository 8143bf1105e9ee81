// The worker's generation and scoring methods (JSON-RPC, re-exported by ./protocol.ts). A long-lived worker started
// for previews serves these; training workers serve them too but are busy. Every request carries a client-chosen
// `requestId`; its notifications carry it back, and `job/cancel` (or JSON-RPC's own $/cancelRequest) stops it.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { DeviceName } from '../device-names';

/** Set on a worker started only for generation: it exits when its client goes away (training workers never do). */
export const generationWorkerVariable = 'FINETUNE_WORKER_ROLE';

export interface ModelTarget {
  /** Hugging Face model folder (absolute). */
  model: string;
  /** PEFT LoRA adapter folder (absolute), merged into the weights; absent for the base model. */
  adapter?: string;
  /** Execution provider: auto (default) tries the platform's GPU provider, then the CPU. */
  device?: DeviceName;
}

export interface ChatTurnParams {
  role: string;
  content: string;
}

/** Unset fields come from the model's generation_config.json, then transformers' defaults (greedy, 128 tokens). */
export interface GenerationSettings {
  maxNewTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  topK?: number;
  repetitionPenalty?: number;
  stop?: string[];
  seed?: number;
}

export interface GenerateParams extends ModelTarget {
  requestId: string;
  /** The conversation so far, rendered through the model's chat template with the assistant prompt appended. */
  turns: ChatTurnParams[];
  settings?: GenerationSettings;
}

export interface GenerateResult {
  requestId: string;
  text: string;
  finishReason: 'stop-token' | 'stop-string' | 'max-new-tokens' | 'cancelled';
  promptTokens: number;
  generatedTokens: number;
  device: string;
  /** One line: which device runs, and why better ones were skipped. */
  deviceDescription: string;
  prefillMs: number;
  tokensPerSecond: number;
}

export interface GenerateStartedParams {
  requestId: string;
  device: string;
  deviceDescription: string;
  promptTokens: number;
}

export interface GenerateDeltaParams {
  requestId: string;
  /** Text appended since the previous delta (already cut at a stop string). */
  text: string;
}

export interface PerExampleLossParams extends ModelTarget {
  requestId: string;
  /** JSONL dataset file (absolute). */
  data: string;
  /** Where to write the JSON Lines file (engine/src/evaluate/loss-file.ts); none: not written. */
  out?: string;
  maxSeqLen?: number;
  batchSize?: number;
}

export interface PerExampleLossResult {
  requestId: string;
  /** [0-based line, mean token loss]: ready for the language server's finetune/setLosses. */
  losses: Array<[number, number]>;
  meanLoss: number;
  perplexity: number;
  records: number;
  truncated: number;
  unparsed: number;
  device: string;
  deviceDescription: string;
  out: string | null;
}

export interface PreferenceScoresParams extends ModelTarget {
  requestId: string;
  /** JSONL preference file (absolute). */
  data: string;
  /** 0-based lines to score (default: every preference record). */
  lines?: number[];
  maxSeqLen?: number;
  batchSize?: number;
}

export interface PreferenceScoresResult {
  requestId: string;
  /** Each pair's summed completion log-probability of both sides (TRL's reading); records that are not pairs are left out. */
  pairs: Array<{ line: number; chosen: number; rejected: number }>;
  device: string;
  deviceDescription: string;
}

export interface ProgressParams {
  requestId: string;
  done: number;
  total: number;
}

export interface JobCancelParams {
  requestId: string;
}

/** Generates a reply to `turns`; streams `generate/started` once, then `generate/delta`s; resolves with the whole. */
export const generateRequest = new RequestType<GenerateParams, GenerateResult, void>('generate/chat');
export const generateStartedNotification = new NotificationType<GenerateStartedParams>('generate/started');
export const generateDeltaNotification = new NotificationType<GenerateDeltaParams>('generate/delta');
/** Each record's mean token loss over its trained tokens; `evaluate/progress` as batches finish. */
export const perExampleLossRequest = new RequestType<PerExampleLossParams, PerExampleLossResult, void>('evaluate/perExample');
/** Which side of each preference pair the model favours: both sides' completion log-probs; `evaluate/progress` too. */
export const preferenceScoresRequest = new RequestType<PreferenceScoresParams, PreferenceScoresResult, void>('evaluate/preferenceScores');
export const evaluateProgressNotification = new NotificationType<ProgressParams>('evaluate/progress');
/** Stops a generate/… or evaluate/… request by id: generation ends with finishReason 'cancelled', scoring rejects. */
export const jobCancelRequest = new RequestType<JobCancelParams, boolean, void>('job/cancel');
