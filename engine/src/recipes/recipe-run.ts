// What a recipe is made from: a run's resolved training arguments (from RUN_DIR/run.json, or a finetune.run.json
// config file resolved the way `finetune train` resolves it) plus the base model as the target engine should name it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { DOWNLOAD_RECORD } from '../download/download-model';
import { resolveTrainingArguments, resolvedLearningRate, type TrainingArguments } from '../../../contracts/src/training-arguments';
import { readConfigFile } from '../train/config-file';
import { assertPreferenceArguments } from '../train/preference-data';
import { UserError } from '../../../contracts/src/user-error';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';

export const RECIPE_FORMATS = ['trl', 'axolotl', 'llamafactory'] as const;
export type RecipeFormat = (typeof RECIPE_FORMATS)[number];

export interface RecipeRun {
  args: TrainingArguments;
  /** Where the arguments came from (shown in the recipe's README). */
  source: string;
  /** The base model as the recipe names it: a Hub id when the folder was downloaded from the Hub, else its absolute path. */
  baseModel: string;
  learningRate: number;
  /** Known when the run (or its data) told us: run.json's resolved values. */
  warmupSteps?: number;
  totalSteps?: number;
}

/** The Hub repository a model folder was downloaded from (`finetune download` records it), if any. */
export function hubIdOf(modelDir: string): string | undefined {
  try {
    const record = JSON.parse(readFileSync(join(modelDir, DOWNLOAD_RECORD), 'utf8')) as { repo?: unknown };
    return typeof record.repo === 'string' ? record.repo : undefined;
  } catch {
    return undefined;
  }
}

/** Paths in a config are relative to the folder it was read from (as `finetune train --config` resolves them from cwd, a run.json's are absolute or cwd-relative). */
function absolutePaths(args: TrainingArguments, base: string): TrainingArguments {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  return { ...args, model: at(args.model), data: at(args.data), out: at(args.out), eval: args.eval === undefined ? undefined : at(args.eval) };
}

/**
 * run.json keeps paths as `finetune train` was given them, relative to the folder it ran from: when `out` is relative
 * and the run folder ends with it, that folder is the run folder minus `out`; otherwise the current folder.
 */
function folderTrainRanFrom(runDir: string, out: string, cwd: string): string {
  if (isAbsolute(out)) return cwd;
  const tail = normalize(out).replace(/[\\/]+$/, '');
  return runDir.endsWith(tail) ? runDir.slice(0, runDir.length - tail.length) || '/' : cwd;
}

function resolvedNumber(resolved: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = resolved?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Reads a recipe's run from a run folder (`--run`) or a config file (`--config`); `baseModel` overrides the model's name. */
export function readRecipeRun(options: { run?: string; config?: string; baseModel?: string; cwd?: string }): RecipeRun {
  const cwd = options.cwd ?? process.cwd();
  if ((options.run === undefined) === (options.config === undefined)) throw new UserError('give exactly one of --run RUN_DIR or --config FILE', 'bad-flag');
  let args: TrainingArguments;
  let resolved: Record<string, unknown> | undefined;
  let source: string;
  if (options.run !== undefined) {
    const runJson = runFolderPath(resolve(cwd, options.run), 'info');
    if (!existsSync(runJson)) throw new UserError(`${options.run}: no run.json (not a run folder)`, 'bad-file');
    const info = JSON.parse(readFileSync(runJson, 'utf8')) as { config?: Record<string, unknown>; resolved?: Record<string, unknown> };
    const raw = resolveTrainingArguments([readConfigFile(runJson)], runJson);
    args = absolutePaths(raw, folderTrainRanFrom(resolve(cwd, options.run), raw.out, cwd));
    resolved = info.resolved;
    source = runJson;
  } else {
    const file = resolve(cwd, options.config as string);
    args = absolutePaths(resolveTrainingArguments([{ out: 'runs/recipe' }, readConfigFile(file)], file), dirname(file));
    source = file;
  }
  const unmapped = { prompt: 'prompt tuning', ptuning: 'P-tuning (--method ptuning)', prefix: 'prefix tuning (--method prefix)' } as const;
  if (args.method === 'prompt' || args.method === 'ptuning' || args.method === 'prefix') throw new UserError(`${unmapped[args.method]} has no equivalent in the TRL, Axolotl or LLaMA-Factory command lines: export a lora, qlora or full run`, 'unsupported');
  // what `finetune train` refuses for dpo (a method without a reference model, packing), the recipes refuse too
  assertPreferenceArguments(args);
  return {
    args,
    source,
    baseModel: options.baseModel ?? hubIdOf(args.model) ?? args.model,
    learningRate: resolvedNumber(resolved, 'learningRate') ?? resolvedLearningRate(args),
    warmupSteps: resolvedNumber(resolved, 'warmupSteps') ?? args.warmupSteps,
    totalSteps: resolvedNumber(resolved, 'totalSteps'),
  };
}
