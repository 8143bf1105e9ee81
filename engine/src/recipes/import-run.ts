// `finetune import-run`: what a Hugging Face Trainer-based engine (TRL, Axolotl, LLaMA-Factory) wrote into its
// output folder, as one of our run folders (engine/src/train/README.md): trainer_state.json's log history of the
// last checkpoint becomes step and eval events, the PEFT adapter becomes adapter/ (or a full model, model/), and
// run.json says done — so the Runs view, dashboard, compare, playground, preview and export treat it as a local run.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../../../contracts/src/user-error';
import type { EvalEvent, PreferenceMetrics, RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { RunFolder } from '../run-folder/run-folder';
import { RECIPE_MANIFEST, type RecipeManifest } from './export-recipe';
import { copyLoraAdapter } from './peft-adapter-import';

/** One entry of transformers' TrainerState.log_history (the keys the Trainer and TRL write). */
interface LogEntry {
  step?: number;
  epoch?: number;
  loss?: number;
  learning_rate?: number;
  grad_norm?: number;
  num_tokens?: number;
  eval_loss?: number;
  train_runtime?: number;
  train_loss?: number;
  // TRL's DPOTrainer (and the engines built on it): each step's and each eval's means over the pairs
  'rewards/chosen'?: number;
  'rewards/rejected'?: number;
  'rewards/margins'?: number;
  'rewards/accuracies'?: number;
  'eval_rewards/chosen'?: number;
  'eval_rewards/rejected'?: number;
  'eval_rewards/margins'?: number;
  'eval_rewards/accuracies'?: number;
}

/** Our preference fields from TRL's names (`rewards/…`, or `eval_rewards/…` on an eval entry); none on an SFT entry. */
const PREFERENCE_KEYS = [
  ['rewardsChosen', 'rewards/chosen'],
  ['rewardsRejected', 'rewards/rejected'],
  ['margin', 'rewards/margins'],
  ['accuracy', 'rewards/accuracies'],
] as const satisfies ReadonlyArray<readonly [keyof PreferenceMetrics, string]>;

function preferenceMetrics(entry: LogEntry, prefix: '' | 'eval_'): PreferenceMetrics {
  const metrics: PreferenceMetrics = {};
  for (const [ours, theirs] of PREFERENCE_KEYS) {
    const value = entry[`${prefix}${theirs}` as keyof LogEntry];
    if (typeof value === 'number' && Number.isFinite(value)) metrics[ours] = value;
  }
  return metrics;
}

/** Whether a log history is a preference run's (TRL's DPO metrics on its entries). */
export function hasPreferenceMetrics(history: readonly LogEntry[]): boolean {
  return history.some((entry) => Object.keys(preferenceMetrics(entry, '')).length > 0 || Object.keys(preferenceMetrics(entry, 'eval_')).length > 0);
}

interface TrainerState {
  global_step?: number;
  max_steps?: number;
  num_train_epochs?: number;
  log_history?: LogEntry[];
}

export interface ImportRunOptions {
  from: string;
  out: string;
  /** The base model folder for run.json (preview and export need a local one); default: from the recipe or adapter. */
  model?: string;
  force?: boolean;
}

export interface ImportRunResult {
  out: string;
  steps: number;
  evals: number;
  output: 'adapter' | 'model';
  model: string;
  trainerState: string;
}

const ADAPTER_FILES = ['adapter_config.json', 'adapter_model.safetensors'];

function checkpointFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^checkpoint-\d+$/.test(name) && statSync(join(dir, name)).isDirectory())
    .sort((a, b) => Number(a.slice(11)) - Number(b.slice(11)))
    .map((name) => join(dir, name));
}

/** The newest trainer_state.json: the output folder's own (when the engine saved state) or its last checkpoint's. */
function findTrainerState(dir: string): string {
  const candidates = [...checkpointFolders(dir).reverse().map((folder) => join(folder, 'trainer_state.json')), join(dir, 'trainer_state.json')].filter((file) => existsSync(file));
  if (candidates.length === 0) throw new UserError(`${dir}: no trainer_state.json here or in a checkpoint-N folder (is this an engine's output_dir, with a checkpoint saved?)`, 'bad-file');
  // The checkpoint with the highest global step wins (a top-level state from an older run must not shadow it).
  const stepOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as TrainerState).global_step ?? 0;
  return candidates.reduce((best, file) => (stepOf(file) > stepOf(best) ? file : best));
}

/** Where the trained weights are: the output folder (saved at the end), else the last checkpoint. */
function findWeights(dir: string): { folder: string; kind: 'adapter' | 'model' } {
  for (const folder of [dir, ...checkpointFolders(dir).reverse()]) {
    if (ADAPTER_FILES.every((file) => existsSync(join(folder, file)))) return { folder, kind: 'adapter' };
    if (existsSync(join(folder, 'config.json')) && readdirSync(folder).some((file) => file.endsWith('.safetensors'))) return { folder, kind: 'model' };
  }
  throw new UserError(`${dir}: no PEFT adapter (adapter_config.json + adapter_model.safetensors) or safetensors model to import`, 'bad-file');
}

/**
 * Step and eval events from the log history; tokens per step from TRL's cumulative num_tokens where it logs them;
 * a DPO run's rewards, margin and accuracy on both (the dashboard's preference chart).
 */
export function eventsFromLogHistory(history: readonly LogEntry[]): RunEvent[] {
  const final = history.find((entry) => entry.train_runtime !== undefined);
  const lastStep = Math.max(1, ...history.map((entry) => entry.step ?? 0));
  const runtimeMs = (final?.train_runtime ?? 0) * 1000;
  // The Trainer logs no wall time per step: spread the run's runtime evenly so the dashboard's time axis reads right.
  const elapsedAt = (step: number) => Math.round((runtimeMs * step) / lastStep);
  const events: RunEvent[] = [];
  let previousTokens = 0;
  let previousStep = 0;
  for (const entry of history) {
    if (entry.step === undefined) continue;
    if (entry.loss !== undefined && entry.eval_loss === undefined) {
      const tokens = entry.num_tokens !== undefined ? entry.num_tokens - previousTokens : 0;
      const seconds = ((entry.step - previousStep) * runtimeMs) / lastStep / 1000;
      const step: StepEvent = { type: 'step', step: entry.step, loss: entry.loss, lr: entry.learning_rate ?? 0, tokens, tokensPerSecond: seconds > 0 ? Math.round(tokens / seconds) : 0, elapsedMs: elapsedAt(entry.step) };
      if (entry.grad_norm !== undefined) step.gradNorm = entry.grad_norm;
      if (entry.epoch !== undefined) step.epoch = entry.epoch;
      Object.assign(step, preferenceMetrics(entry, ''));
      events.push(step);
      previousTokens = entry.num_tokens ?? previousTokens;
      previousStep = entry.step;
    } else if (entry.eval_loss !== undefined) {
      const evalEvent: EvalEvent = { type: 'eval', step: entry.step, loss: entry.eval_loss, tokens: 0, elapsedMs: elapsedAt(entry.step), ...preferenceMetrics(entry, 'eval_') };
      events.push(evalEvent);
    }
  }
  return events;
}

/** The exported recipe's manifest, looked for beside the output folder (the recipe folder holds output/). */
function findManifest(from: string): RecipeManifest | undefined {
  for (const folder of [from, dirname(from)]) {
    const file = join(folder, RECIPE_MANIFEST);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as RecipeManifest;
  }
  return undefined;
}

function copyFolderFiles(from: string, to: string, keep: (name: string) => boolean): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (keep(name) && statSync(join(from, name)).isFile()) copyFileSync(join(from, name), join(to, name));
}

export function importRun(options: ImportRunOptions): ImportRunResult {
  const from = resolve(options.from);
  if (!existsSync(from)) throw new UserError(`${options.from}: no such folder`, 'bad-file');
  const run = new RunFolder(resolve(options.out));
  if (existsSync(run.runJson) && !options.force) throw new UserError(`${options.out} already holds a run (run.json); choose another --out or pass --force`, 'output-not-empty');
  const stateFile = findTrainerState(from);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as TrainerState;
  const events = eventsFromLogHistory(state.log_history ?? []);
  const weights = findWeights(from);
  const manifest = findManifest(from);
  const adapterConfig = weights.kind === 'adapter' ? (JSON.parse(readFileSync(join(weights.folder, 'adapter_config.json'), 'utf8')) as { base_model_name_or_path?: string }) : {};
  const candidates = [options.model, manifest?.config.model as string | undefined, manifest?.baseModel, adapterConfig.base_model_name_or_path].filter((value): value is string => typeof value === 'string');
  // Preview and export load the base from disk: prefer a candidate that is a local folder.
  const model = candidates.map((candidate) => resolve(candidate)).find((candidate) => existsSync(join(candidate, 'config.json'))) ?? (weights.kind === 'model' ? runFolderPath(run.path, 'model') : candidates[0]);
  if (!model) throw new UserError(`${options.from}: cannot tell the base model; pass --model DIR`, 'bad-flag');

  mkdirSync(run.path, { recursive: true });
  let droppedTensors: string[] = [];
  run.replaceFolder(runFolderPath(run.path, weights.kind), (temporary) => {
    if (weights.kind === 'adapter') droppedTensors = copyLoraAdapter(weights.folder, temporary);
    else copyFolderFiles(weights.folder, temporary, (name) => name.endsWith('.json') || name.endsWith('.safetensors') || name.endsWith('.jinja') || name.endsWith('.txt') || name.endsWith('.model'));
  });
  const steps = events.filter((event) => event.type === 'step') as StepEvent[];
  const evals = events.filter((event) => event.type === 'eval') as EvalEvent[];
  const final = (state.log_history ?? []).find((entry) => entry.train_runtime !== undefined);
  const step = state.global_step ?? steps.at(-1)?.step ?? 0;
  const now = new Date().toISOString();
  const config: Record<string, unknown> = { ...(manifest?.config ?? {}), model, out: run.path };
  if (config.method === undefined) config.method = weights.kind === 'adapter' ? 'lora' : 'full';
  // a DPO output folder without the recipe's manifest still names its loss and charts as a dpo run's
  if (config.objective === undefined && hasPreferenceMetrics(state.log_history ?? [])) config.objective = 'dpo';
  run.writeRunInfo({
    version: 1,
    status: 'done',
    config,
    resolved: {
      totalSteps: state.max_steps ?? step,
      learningRate: config.lr ?? Math.max(0, ...steps.map((event) => event.lr)),
      device: `imported (${manifest?.format ?? 'Hugging Face Trainer'})`,
      importedFrom: from,
      trainerState: stateFile,
      ...(droppedTensors.length > 0 ? { droppedFrozenTensors: droppedTensors } : {}),
      ...(manifest ? { recipe: manifest.format, baseModelInRecipe: manifest.baseModel } : {}),
    },
    startedAt: statSync(stateFile).mtime.toISOString(),
    updatedAt: now,
    step,
    output: weights.kind,
  });
  const done: RunEvent = { type: 'done', step, elapsedMs: Math.round((final?.train_runtime ?? 0) * 1000), output: weights.kind, loss: steps.at(-1)?.loss, evalLoss: evals.at(-1)?.loss };
  run.writeEvents([...events, done]);
  return { out: run.path, steps: steps.length, evals: evals.length, output: weights.kind, model, trainerState: basename(dirname(stateFile)) + '/trainer_state.json' };
}
