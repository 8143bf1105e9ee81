// The training loop (nanoGPT style: data, step, log, eval, checkpoint — in one screen). Everything it drives is
// prepared by setup.ts; events go to metrics.jsonl and to the caller (CLI progress bar, the extension's worker).
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { resolvedLearningRate, type TrainingArguments } from '../../../contracts/src/training-arguments';
import type { Batch } from './batching';
import { PreferenceTally } from './preference-loss';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, type LoopPosition } from './checkpoint';
import type { EvalEvent, RunEvent } from '../../../contracts/src/run/run-events';
import type { RunInfo } from '../../../contracts/src/run/run-info';
import type { EndStatus } from '../../../contracts/src/run/run-status';
import { runFolderNames } from '../../../contracts/src/run/run-folder-layout';
import { RunFolder } from '../run-folder/run-folder';
import { learningRateAt } from './schedule';
import { prepareTraining, type PreparedTraining } from './setup';
import { CHECKPOINTS_TEMPORARY, removeStaleTemporaries, RUN_FOLDER_TEMPORARY } from '../run-folder/stale-temporaries';
import { asWriteFailure } from '../run-folder/write-failure';

export interface TrainHooks {
  /** Aborting ends the run with a `cancelled` event after the current step, keeping a usable checkpoint. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** One-line notes for the user (device, data counts, where files went). */
  onInfo?: (message: string) => void;
  /** Called once the run is prepared, before the first step. */
  onStart?: (run: { totalSteps: number; startStep: number; resolved: Record<string, unknown> }) => void;
}

export interface TrainResult {
  status: EndStatus;
  step: number;
  totalSteps: number;
  /** adapter/ or model/ folder when done. */
  output?: string;
  lastCheckpoint?: string;
  message?: string;
}

export async function train(args: TrainingArguments, hooks: TrainHooks = {}): Promise<TrainResult> {
  const run = new RunFolder(args.out);
  try {
    if (!args.resume) run.prepareFresh();
  } catch (error) {
    throw asWriteFailure(error, (error as NodeJS.ErrnoException).path ?? run.path, 'creating the run folder'); // e.g. an --out the user cannot write to
  }
  // A run killed mid-checkpoint leaves step-N.tmp-PID behind (a checkpoint's size each time): clear them first.
  const stale = removeStaleTemporaries([[run.path, RUN_FOLDER_TEMPORARY], [run.checkpoints, CHECKPOINTS_TEMPORARY]]);
  if (stale.length > 0) hooks.onInfo?.(`removed ${stale.length} temporar${stale.length === 1 ? 'y' : 'ies'} left by an interrupted run: ${stale.map((path) => relative(run.path, path)).join(', ')}`);
  const checkpoint = args.resume ? latestCheckpoint(run) : null;
  const started = performance.now();
  let prepared: PreparedTraining | undefined;
  try {
    prepared = await prepareTraining(args, hooks.onInfo ?? (() => {}));
    return await trainPrepared(args, prepared, run, checkpoint, hooks);
  } catch (thrown) {
    // A failure before or during the loop still leaves a readable record: a final error event and run.json status.
    // Recording can fail as well (the disk that filled up): the first error is what the user sees, with a note.
    const error = asWriteFailure(thrown, (thrown as NodeJS.ErrnoException | null)?.path ?? run.path, 'writing the run folder', 'free some space, then run again with --resume');
    const message = error instanceof Error ? error.message : String(error);
    const now = new Date().toISOString();
    const before: RunInfo = existsSync(run.runJson) ? run.readRunInfo() : { version: 1, status: 'running', config: { ...args }, resolved: prepared?.resolved ?? {}, startedAt: now, updatedAt: now, step: 0 };
    const event: RunEvent = { type: 'error', step: before.step, message, elapsedMs: Math.round(performance.now() - started) };
    const unrecorded: string[] = [];
    try {
      run.append(event);
    } catch {
      unrecorded.push(runFolderNames.metrics);
    }
    hooks.onEvent?.(event);
    try {
      run.writeRunInfo({ ...before, status: 'error', updatedAt: now, message });
    } catch {
      unrecorded.push(runFolderNames.info);
    }
    throw unrecorded.length > 0 ? withNote(error, `this error could not be recorded in ${unrecorded.join(' or ')}`) : error;
  } finally {
    await prepared?.session.release();
  }
}

async function trainPrepared(args: TrainingArguments, prepared: PreparedTraining, run: RunFolder, checkpoint: string | null, hooks: TrainHooks): Promise<TrainResult> {
  const { session, totalSteps, warmupSteps } = prepared;
  let position: LoopPosition = { step: 0, data: { epoch: 0, batch: 0 }, seed: args.seed, elapsedMs: 0 };
  if (checkpoint) {
    position = loadCheckpoint(checkpoint, session.trainable);
    if (position.seed !== args.seed) throw new Error(`the checkpoint was made with --seed ${position.seed}, not ${args.seed}: resume with the run's own options (--config ${run.runJson})`);
    run.prepareResume(position.step);
    hooks.onInfo?.(`resuming from ${relative(process.cwd(), checkpoint) || checkpoint} (step ${position.step})`);
  } else if (args.resume) {
    hooks.onInfo?.('no checkpoint to resume from: starting from step 0');
    run.prepareResume(0);
  }
  const emit = (event: RunEvent) => {
    run.append(event);
    hooks.onEvent?.(event);
  };
  const info: RunInfo = { version: 1, status: 'running', config: { ...args }, resolved: prepared.resolved, startedAt: new Date().toISOString(), updatedAt: '', step: position.step };
  const writeInfo = (changes: Partial<RunInfo>) => run.writeRunInfo(Object.assign(info, changes, { updatedAt: new Date().toISOString() }));
  writeInfo({});
  hooks.onStart?.({ totalSteps, startStep: position.step, resolved: prepared.resolved });

  const data = prepared.data.stream(position.data);
  const schedule = { peakLr: resolvedLearningRate(args), totalSteps, warmupSteps, minLrRatio: args.minLrRatio };
  const startedAt = performance.now() - position.elapsedMs;
  const elapsed = () => Math.round(performance.now() - startedAt);
  let lastCheckpoint = checkpoint ?? undefined;
  const save = (step: number) => {
    try {
      lastCheckpoint = saveCheckpoint(run, session.trainable, { step, data: data.next, seed: args.seed, elapsedMs: elapsed() });
    } catch (error) {
      const kept = lastCheckpoint ? `${relative(run.path, lastCheckpoint)} is kept: free some space, then run again with --resume` : 'there is no earlier checkpoint';
      throw asWriteFailure(error, run.checkpoints, `writing the checkpoint of step ${step}`, kept);
    }
    writeInfo({ step, lastCheckpoint: relative(run.path, lastCheckpoint) });
  };
  const finish = (status: TrainResult['status'], step: number, extra: Partial<TrainResult> = {}): TrainResult => {
    writeInfo({ status, step, message: extra.message, output: extra.output && relative(run.path, extra.output) });
    return { status, step, totalSteps, lastCheckpoint, ...extra };
  };

  const sample = async (at: number) => {
    const completion = await prepared.sample();
    if (completion !== null) emit({ type: 'sample', step: at, prompt: args.samplePrompt!, completion });
  };

  let step = position.step;
  let lastLoss: number | undefined;
  while (step < totalSteps) {
    if (hooks.signal?.aborted) {
      if (step > position.step) save(step);
      emit({ type: 'cancelled', step, elapsedMs: elapsed(), checkpoint: lastCheckpoint && relative(run.path, lastCheckpoint) });
      return finish('cancelled', step);
    }
    const stepStart = performance.now();
    const microBatches: Batch[] = Array.from({ length: args.gradAccumulation }, () => data.take());
    const learningRate = learningRateAt(step + 1, schedule);
    const result = await session.step(microBatches, { learningRate, step: step + 1 });
    if (!result.applied) {
      // Nothing is saved now: the last checkpoint written (never with non-finite values) stays the one to resume from.
      // Damaged base weights diverge at once, whatever the learning rate: name the tensor rather than blame --lr.
      const damaged = step === position.step ? prepared.findNonFiniteWeight() : null;
      const message = damaged
        ? `${damaged.file}: tensor '${damaged.tensor}' holds ${damaged.count} NaN or infinite value${damaged.count === 1 ? '' : 's'} (first at index ${damaged.firstIndex}), so training diverged at step ${step + 1}; the base model's weights are damaged`
        : `training diverged at step ${step + 1} (loss ${result.loss}, gradient norm ${result.gradNorm}): NaN or infinite values, so the update was not applied and the run stopped. Resume from the last checkpoint with a lower --lr, or check the data on lines ${microBatches.flatMap((batch) => batch.lines).map((line) => line + 1).join(', ')}.`;
      emit({ type: 'error', step: step + 1, message, elapsedMs: elapsed(), checkpoint: lastCheckpoint && relative(run.path, lastCheckpoint) });
      return finish('error', step, { message });
    }
    step++;
    lastLoss = result.loss;
    const tokens = microBatches.reduce((sum, batch) => sum + batch.tokens, 0);
    if (step % args.logEvery === 0 || step === totalSteps) {
      const seconds = (performance.now() - stepStart) / 1000;
      emit({ type: 'step', step, loss: result.loss, lr: learningRate, tokens, tokensPerSecond: Math.round(tokens / seconds), elapsedMs: elapsed(), gradNorm: result.gradNorm, epoch: data.next.epoch, ...result.preference });
    }
    if (prepared.data.evalCount > 0 && args.evalEvery > 0 && step % args.evalEvery === 0 && step < totalSteps) emit(await evaluate(args, prepared, step, elapsed()));
    if (args.sampleEvery > 0 && step % args.sampleEvery === 0 && step < totalSteps) await sample(step);
    if (args.saveEvery > 0 && step % args.saveEvery === 0 && step < totalSteps) save(step);
  }

  const evalEvent = prepared.data.evalCount > 0 ? await evaluate(args, prepared, step, elapsed()) : undefined;
  if (evalEvent) emit(evalEvent);
  await sample(step);
  save(step);
  const output = await prepared.exportResult(run);
  hooks.onInfo?.(`wrote ${output}`);
  emit({ type: 'done', step, elapsedMs: elapsed(), output: relative(run.path, output), loss: lastLoss, evalLoss: evalEvent?.loss });
  return finish('done', step, { output });
}

/** `error` with a note after its message (and in its stack's first line), keeping its name and so how it prints. */
function withNote(error: unknown, note: string): unknown {
  if (!(error instanceof Error)) return new Error(`${String(error)} (${note})`);
  const message = `${error.message} (${note})`;
  if (error.stack) error.stack = error.stack.replace(error.message, message);
  error.message = message;
  return error;
}

/** Mean loss over the eval set (per target token; per pair with --objective dpo, with the preference metrics). */
async function evaluate(args: TrainingArguments, prepared: PreparedTraining, step: number, elapsedMs: number): Promise<EvalEvent> {
  let lossSum = 0;
  let units = 0;
  let tokens = 0;
  const tally = args.objective === 'dpo' ? new PreferenceTally(args.beta) : undefined;
  for (const batch of prepared.data.evalBatches()) {
    const result = await prepared.session.evaluate(batch);
    lossSum += result.lossSum;
    units += result.units;
    tokens += batch.tokens;
    if (tally && result.sequenceLogprobs) tally.add(result.sequenceLogprobs, batch.referenceLogprobs!);
  }
  return { type: 'eval', step, loss: units > 0 ? lossSum / units : NaN, tokens, elapsedMs, ...tally?.metrics() };
}
