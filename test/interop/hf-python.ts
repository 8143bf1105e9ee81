// What the TRL interop tests share: the Python with the Hugging Face stack, running `trl`/python in a folder the way
// a user's shell would (offline), and a CLI run that must succeed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { finetune } from '../cli/finetune-cli';

export const PYTHON = process.env.FINETUNE_HF_PYTHON ?? '/opt/hfvenv/bin/python';

/** The command's stdout; fails the test with its output when it did not exit 0. */
export function ok(result: ReturnType<typeof finetune>): string {
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Runs `trl …` or a Python script with the venv's bin first on PATH (`accelerate launch` subprocesses use it too). */
export function python(args: string[], cwd: string) {
  const env = { ...process.env, PATH: `${dirname(PYTHON)}:${process.env.PATH ?? ''}`, HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false', OMP_NUM_THREADS: '2' };
  return spawnSync(args[0] === 'trl' ? join(dirname(PYTHON), 'trl') : PYTHON, args[0] === 'trl' ? args.slice(1) : args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Runs an inspect script in the recipe folder and returns the JSON it prints after its `@@JSON@@` marker. */
export function inspectRecipe<T>(script: string, recipe: string): T {
  const inspected = python([script], recipe);
  assert.equal(inspected.status, 0, inspected.stderr.slice(-4000));
  return JSON.parse(inspected.stdout.split('@@JSON@@')[1]) as T;
}
