// The names inside a run folder (docs/run-folder.md): one table, so the trainer, the worker, the evaluator and the
// extension cannot drift apart. Names and path joins only (node:path, no fs; the webviews import none of it); the fs
// half lives in engine/src/run-folder/.
import { join } from 'node:path';

export const runFolderNames = {
  /** Resolved configuration and status (RunInfo), written atomically by the trainer. */
  info: 'run.json',
  /** One RunEvent per line, appended whole lines only. */
  metrics: 'metrics.jsonl',
  /** step-NNNNNN/ folders and latest.json, for --resume. */
  checkpoints: 'checkpoints',
  /** The PEFT adapter of a finished lora, qlora or prompt run. */
  adapter: 'adapter',
  /** The model folder of a finished full fine-tune. */
  model: 'model',
  /** `finetune eval --run … --per-example`'s output for the run's own training data. */
  perExampleLoss: 'per-example-loss.jsonl',
  /** Pid and start time of the engine worker that runs it (written by the extension's run manager). */
  worker: 'worker.json',
  /** The worker's stdout and stderr, for crash reports. */
  workerLog: 'worker.log',
  /** Present while someone asks the run to stop; the worker polls for it. */
  cancelRequest: 'cancel.request',
} as const;

export type RunFolderEntry = keyof typeof runFolderNames;

/** The path of one entry of the run folder at `runDir`. */
export function runFolderPath(runDir: string, entry: RunFolderEntry): string {
  return join(runDir, runFolderNames[entry]);
}
