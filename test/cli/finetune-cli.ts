// Runs the `finetune` command as a user does: the built bin (`npm test` builds before it runs the tests).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'finetune.js');

export function finetune(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}
