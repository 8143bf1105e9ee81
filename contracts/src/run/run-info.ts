// run.json (docs/run-folder.md): what the trainer resolved and where the run stands. Written atomically by the
// trainer (and by `finetune import-run`), read by everyone else.
import type { RunStatus } from './run-status';

export interface RunInfo {
  version: 1;
  status: RunStatus;
  /** Resolved training arguments (feed back with --config to repeat the run). */
  config: Record<string, unknown>;
  /** Values derived at start: learning rate, total steps, warmup, device, data counts. */
  resolved: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
  /** Optimizer steps completed (the last checkpoint's step while running). */
  step: number;
  /** The error's message when status is 'error'. */
  message?: string;
  /** Relative path of the exported adapter/ or model/ once done. */
  output?: string;
  /** Relative path of the newest checkpoint. */
  lastCheckpoint?: string;
}
