// What a run directory evaluates with: its base model (run.json's config.model) plus its adapter (adapter/), or its
// fully fine-tuned model (model/). Shared by `finetune eval --run`, the worker's scoring handler, export and preview.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { UserError } from '../../../contracts/src/user-error';
import { assertReadableFile } from '../../../contracts/src/user-file';
import { baseModelOf } from '../run-folder/run-info-file';

export interface RunTarget {
  runDir: string;
  model: string;
  adapter?: string;
  /** The model the run started from (for a full fine-tune, `model` is the run's own model/). */
  base?: string;
  /** The run's training options as run.json records them. */
  config: Record<string, unknown>;
}

export function resolveRunTarget(runDir: string): RunTarget {
  const dir = resolve(runDir);
  const runJson = runFolderPath(dir, 'info');
  if (!existsSync(runJson)) throw new UserError(`${dir}: not a run directory (no run.json)`, 'bad-file');
  assertReadableFile(runJson, 'run.json');
  const model = runFolderPath(dir, 'model');
  const fullModel = existsSync(join(model, 'config.json'));
  let config: Record<string, unknown> | undefined;
  try {
    config = (JSON.parse(readFileSync(runJson, 'utf8')) as { config?: Record<string, unknown> }).config;
  } catch (error) {
    // a full fine-tune's model/ stands on its own; only its base (for a reference) is then unknown
    if (!fullModel) throw new UserError(`${runJson}: not valid JSON (${(error as Error).message})`, 'bad-file');
  }
  const base = baseModelOf(dir, config);
  if (fullModel) return { runDir: dir, model, ...(base ? { base } : {}), config: config ?? {} };
  if (base === undefined) throw new UserError(`${runJson}: config.model is missing`, 'bad-file');
  const adapter = runFolderPath(dir, 'adapter');
  if (!existsSync(join(adapter, 'adapter_config.json'))) throw new UserError(`${dir}: the run has no adapter/ or model/ yet (has it finished?)`, 'bad-file');
  return { runDir: dir, model: base, adapter, base, config: config ?? {} };
}

/** The run directory an adapter folder belongs to (RUN_DIR/adapter), if it does. */
export function runDirOfAdapter(adapterDir: string): string | undefined {
  const parent = dirname(resolve(adapterDir));
  return existsSync(runFolderPath(parent, 'info')) ? parent : undefined;
}
