// What a run directory evaluates with: its base model (run.json's config.model) plus its LoRA adapter (adapter/), or
// its fully fine-tuned model (model/). Shared by `finetune eval --run` and the worker's scoring handler.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../../contracts/src/user-error';
import { assertReadableFile } from '../../../contracts/src/user-file';

export interface RunTarget {
  runDir: string;
  model: string;
  adapter?: string;
}

export function resolveRunTarget(runDir: string): RunTarget {
  const dir = resolve(runDir);
  const runJson = join(dir, 'run.json');
  if (!existsSync(runJson)) throw new UserError(`${dir}: not a run directory (no run.json)`, 'bad-file');
  assertReadableFile(runJson, 'run.json');
  if (existsSync(join(dir, 'model', 'config.json'))) return { runDir: dir, model: join(dir, 'model') };
  let config: Record<string, unknown> | undefined;
  try {
    config = (JSON.parse(readFileSync(runJson, 'utf8')) as { config?: Record<string, unknown> }).config;
  } catch (error) {
    throw new UserError(`${runJson}: not valid JSON (${(error as Error).message})`, 'bad-file');
  }
  const model = config?.model;
  if (typeof model !== 'string' || model === '') throw new UserError(`${runJson}: config.model is missing`, 'bad-file');
  const adapter = join(dir, 'adapter');
  if (!existsSync(join(adapter, 'adapter_config.json'))) throw new UserError(`${dir}: the run has no adapter/ or model/ yet (has it finished?)`, 'bad-file');
  return { runDir: dir, model: isAbsolute(model) ? model : resolve(dir, model), adapter };
}

/** The run directory an adapter folder belongs to (RUN_DIR/adapter), if it does. */
export function runDirOfAdapter(adapterDir: string): string | undefined {
  const parent = resolve(adapterDir, '..');
  return existsSync(join(parent, 'run.json')) ? parent : undefined;
}
