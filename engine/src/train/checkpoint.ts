// Checkpoints for --resume: the trainable tensors, AdamW's two moments, and the loop's position (optimizer step,
// data position; random draws derive from the seed and the position, so that is the whole RNG state), written into checkpoints/step-NNNNNN/ through a temp folder and a rename, then
// recorded in checkpoints/latest.json. Only the newest few are kept. A checkpoint is written only after a step
// whose loss was finite, so the latest one is always a good one.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsHeader, readTensorFloat32 } from '../io/safetensors';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-writer';
import type { DataPosition } from './batching';
import { readJson, writeJsonAtomic } from '../io/atomic-write';
import type { RunFolder } from '../run-folder/run-folder';

/** A trainable tensor with its AdamW moments; `name` is the tensor's name in the step graph. */
export interface TrainableTensor {
  name: string;
  shape: number[];
  value: Float32Array;
  firstMoment: Float32Array;
  secondMoment: Float32Array;
}

export interface LoopPosition {
  /** Optimizer steps completed. */
  step: number;
  data: DataPosition;
  /** The run's seed: with the data position it determines every later random draw. */
  seed: number;
  /** Milliseconds of training before this checkpoint, so elapsedMs continues across resumes. */
  elapsedMs: number;
}

interface CheckpointState extends LoopPosition {
  version: 1;
  tensors: string[];
}

const KEEP_CHECKPOINTS = 2;
const TENSORS_FILE = 'trainable.safetensors';
const STATE_FILE = 'state.json';

function stepFolderName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

export function saveCheckpoint(run: RunFolder, tensors: readonly TrainableTensor[], position: LoopPosition): string {
  const target = join(run.checkpoints, stepFolderName(position.step));
  run.replaceFolder(target, (folder) => {
    const entries: TensorToWrite[] = tensors.flatMap((tensor) => [
      { name: `value/${tensor.name}`, dtype: 'F32' as const, shape: tensor.shape, data: tensor.value },
      { name: `adam_m/${tensor.name}`, dtype: 'F32' as const, shape: tensor.shape, data: tensor.firstMoment },
      { name: `adam_v/${tensor.name}`, dtype: 'F32' as const, shape: tensor.shape, data: tensor.secondMoment },
    ]);
    writeSafetensors(join(folder, TENSORS_FILE), entries);
    const state: CheckpointState = { version: 1, ...position, tensors: tensors.map((tensor) => tensor.name) };
    writeJsonAtomic(join(folder, STATE_FILE), state);
  });
  writeJsonAtomic(join(run.checkpoints, 'latest.json'), { step: position.step, folder: stepFolderName(position.step) });
  pruneCheckpoints(run, position.step);
  return target;
}

function pruneCheckpoints(run: RunFolder, latestStep: number): void {
  const folders = readdirSync(run.checkpoints)
    .filter((name) => /^step-\d+$/.test(name))
    .sort();
  const stale = folders.slice(0, Math.max(0, folders.length - KEEP_CHECKPOINTS));
  for (const name of stale) if (name !== stepFolderName(latestStep)) rmSync(join(run.checkpoints, name), { recursive: true, force: true });
}

/** The latest checkpoint's folder, or null when the run has none. */
export function latestCheckpoint(run: RunFolder): string | null {
  const pointer = join(run.checkpoints, 'latest.json');
  if (!existsSync(pointer)) return null;
  const { folder } = readJson<{ folder: string }>(pointer);
  const path = join(run.checkpoints, folder);
  return existsSync(join(path, STATE_FILE)) ? path : null;
}

/**
 * Loads a checkpoint into `tensors` (matched by name and shape; a mismatch means the run's config changed) and
 * returns the loop position to continue from.
 */
export function loadCheckpoint(folder: string, tensors: TrainableTensor[]): LoopPosition {
  const state = readJson<CheckpointState>(join(folder, STATE_FILE));
  const header = readSafetensorsHeader(join(folder, TENSORS_FILE));
  const expected = new Set(tensors.map((tensor) => tensor.name));
  const stored = new Set(state.tensors);
  const missing = [...expected].filter((name) => !stored.has(name));
  if (missing.length > 0 || stored.size !== expected.size) {
    throw new Error(`${folder}: the checkpoint's trainable tensors do not match this run's (missing ${missing.slice(0, 3).join(', ') || 'none'}); was the method or its options changed?`);
  }
  for (const tensor of tensors) {
    for (const [prefix, target] of [['value', tensor.value], ['adam_m', tensor.firstMoment], ['adam_v', tensor.secondMoment]] as const) {
      const info = header.tensors.get(`${prefix}/${tensor.name}`);
      if (!info || info.shape.join(',') !== tensor.shape.join(',')) {
        throw new Error(`${folder}: tensor ${prefix}/${tensor.name} has shape ${JSON.stringify(info?.shape)}, the run expects ${JSON.stringify(tensor.shape)}`);
      }
      target.set(readTensorFloat32(info));
    }
  }
  return { step: state.step, data: state.data, seed: state.seed, elapsedMs: state.elapsedMs };
}
