// Reading a `--config` file: the one part of the training-arguments table that touches the disk.
import { readFileSync } from 'node:fs';
import { TRAINING_OPTIONS, TrainingArgumentsError } from '../../../contracts/src/training-arguments';
import { assertReadableFile } from '../../../contracts/src/user-file';

/** Reads a `--config` JSON file (a run.json's `config` object or a flat object of options). */
export function readConfigFile(path: string): Record<string, unknown> {
  assertReadableFile(path, 'config file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TrainingArgumentsError(`${path}: cannot read config: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TrainingArgumentsError(`${path}: config must be a JSON object`);
  }
  const record = parsed as Record<string, unknown>;
  // A run.json holds the resolved options under `config`; accept it directly so a finished run can be repeated.
  const options = typeof record.config === 'object' && record.config !== null ? (record.config as Record<string, unknown>) : record;
  return Object.fromEntries(Object.entries(options).filter(([key]) => Object.hasOwn(TRAINING_OPTIONS, key)));
}
