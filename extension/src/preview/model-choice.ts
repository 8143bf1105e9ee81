// The models a preview can run: the configured base model, and every finished run (its adapter on its base model,
// or its fully fine-tuned model). Pure, so the picker, the playground and the tests list the same choices.
import * as path from 'node:path';
import { resolveRunTarget } from '../../../engine/src/evaluate/run-target';
import { baseModelOf, readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import type { ModelTarget } from '../../../contracts/src/worker/generation-protocol';

export interface ModelChoice {
  /** Stable id for storage and webview messages: `base` or `run:<absolute run folder>`. */
  id: string;
  label: string;
  description: string;
  model: string;
  adapter?: string;
  runDir?: string;
}

export const BASE_CHOICE_ID = 'base';

export function baseChoice(model: string): ModelChoice {
  return { id: BASE_CHOICE_ID, label: 'Base model', description: path.basename(model), model };
}

/** A run's choice, or undefined when it has nothing to generate with yet (no adapter/ or model/). */
export function runChoice(runDir: string): ModelChoice | undefined {
  try {
    const target = resolveRunTarget(runDir);
    return {
      id: `run:${target.runDir}`,
      label: path.basename(target.runDir),
      description: target.adapter ? `LoRA adapter on ${path.basename(target.model)}` : 'fully fine-tuned model',
      model: target.model,
      adapter: target.adapter,
      runDir: target.runDir,
    };
  } catch {
    return undefined;
  }
}

/** The base model (when configured) first, then the runs that have a result, in the order given (newest first). */
export function listModelChoices(baseModel: string | undefined, runDirs: readonly string[]): ModelChoice[] {
  const runs = runDirs.map(runChoice).filter((choice): choice is ModelChoice => choice !== undefined);
  return [...(baseModel ? [baseChoice(baseModel)] : []), ...runs];
}

/** The base model a run was trained from (run.json's config.model), so a comparison needs no configured base. */
export function baseOfRun(choice: ModelChoice): ModelChoice | undefined {
  if (!choice.runDir) return undefined;
  if (choice.adapter) return baseChoice(choice.model);
  const model = baseModelOf(choice.runDir, readRunInfo(choice.runDir)?.config);
  return model === undefined ? undefined : baseChoice(model);
}

export function targetOf(choice: ModelChoice, device: ModelTarget['device'] = 'auto'): ModelTarget {
  return { model: choice.model, ...(choice.adapter ? { adapter: choice.adapter } : {}), device };
}
