// run.json seen from outside the trainer: read when present, and the base model it names (config.model, which may be
// relative to the run folder).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import type { RunInfo } from '../../../contracts/src/run/run-info';

/** The run's run.json, or undefined before it exists (or while it is not JSON). */
export function readRunInfo(runDir: string): RunInfo | undefined {
  try {
    return JSON.parse(readFileSync(runFolderPath(runDir, 'info'), 'utf8')) as RunInfo;
  } catch {
    return undefined;
  }
}

/** The absolute base model folder of a run whose run.json says `config.model`; undefined when it says none. */
export function baseModelOf(runDir: string, config: Record<string, unknown> | undefined): string | undefined {
  const model = config?.model;
  return typeof model === 'string' && model !== '' ? resolve(runDir, model) : undefined;
}
