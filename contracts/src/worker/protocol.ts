// The engine worker's JSON-RPC protocol (vscode-jsonrpc over the Node IPC channel), shared by the worker
// (engine/src/worker/main.ts) and its clients (extension/src/training/run-manager.ts): the `train/…` and `worker/…`
// methods. Generation and scoring (`generate/…`, `evaluate/…`) live in ./generation-protocol.ts on the same channel.
//
// Training: one worker process runs one run. The client sends `train/start`; the worker answers as soon as the run
// has started and then streams `train/event` notifications (the same events it appends to metrics.jsonl). After the
// terminal event (done, error, cancelled) the worker exits: 0 for done or cancelled, 1 for error. A client that goes
// away (window reload) does not stop the run: the worker keeps training and the run directory keeps the record.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { RunEvent } from '../run/run-events';
import type { TrainingArgumentsInput } from '../training-arguments';

/** The environment variable by which a client asks the worker to speak JSON-RPC over IPC (the only transport). */
export const workerTransportVariable = 'FINETUNE_WORKER_TRANSPORT';

export interface TrainStartParams {
  /** Training arguments as the user gave them (the worker validates them with the trainer's schema); `out` is the
   * run directory and `resume: true` continues from its last checkpoint. */
  arguments: TrainingArgumentsInput;
}

export interface TrainStartResult {
  runDir: string;
  pid: number;
}

export interface TrainEventParams {
  runDir: string;
  /** The event the trainer has just appended to metrics.jsonl (docs/run-folder.md). */
  event: RunEvent;
}

export interface TrainCancelParams {
  runDir: string;
}

/** Starts the run; fails (with a located message) when the arguments are invalid or a run is already going. */
export const trainStartRequest = new RequestType<TrainStartParams, TrainStartResult, void>('train/start');
/** Asks the run to stop at the next step boundary; it ends with a `cancelled` event and a usable last checkpoint. */
export const trainCancelRequest = new RequestType<TrainCancelParams, void, void>('train/cancel');
/** One event of the run, as it happens. */
export const trainEventNotification = new NotificationType<TrainEventParams>('train/event');

export interface TrainStartedParams {
  runDir: string;
  totalSteps: number;
  /** The first step this worker runs (above 1 when resuming). */
  startStep: number;
  /** What the trainer derived: learning rate, warmup, device actually used, data counts (also in run.json). */
  resolved: Record<string, unknown>;
}
/** The run is prepared (model loaded, graphs built, data tokenized) and its first step is about to run. */
export const trainStartedNotification = new NotificationType<TrainStartedParams>('train/started');

export interface TrainInfoParams {
  runDir: string;
  message: string;
}
/** A one-line note for the user (device, data counts, where files went): the extension logs it. */
export const trainInfoNotification = new NotificationType<TrainInfoParams>('train/info');

export interface WorkerResourcesParams {
  /** Resident memory of the worker process (model, optimizer state, onnxruntime arenas). */
  rssBytes: number;
  heapUsedBytes: number;
}
/** The worker's memory, every couple of seconds while it works. */
export const workerResourcesNotification = new NotificationType<WorkerResourcesParams>('worker/resources');
