// Runs the `finetune` command as a user does: the bundled CLI, built fresh from the sources (cli-bundle.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliBundle } from './cli-bundle';

/** `timeoutMs` turns a hang into a failed test (the process is killed and `status` is null). */
export function finetune(...args: string[]) {
  return finetuneWithin(0, ...args);
}

export function finetuneWithin(timeoutMs: number, ...args: string[]) {
  return spawnSync(process.execPath, [cliBundle(), ...args], { encoding: 'utf8', timeout: timeoutMs || undefined });
}

/**
 * Runs the command as a user whom file permissions apply to: root reads every file whatever its mode, so as root it
 * runs as `nobody` through setpriv. Null where neither is possible.
 */
export function finetuneUnprivileged(timeoutMs: number, ...args: string[]) {
  if (process.getuid?.() !== 0) return finetuneWithin(timeoutMs, ...args);
  if (spawnSync('setpriv', ['--version']).status !== 0) return null;
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliBundle(), ...args], { encoding: 'utf8', timeout: timeoutMs });
}

/** Bad input ends in exit code 1 and exactly one `finetune: …` line matching `pattern`: no stack trace, no V8 abort. */
export function assertOneLineError(result: ReturnType<typeof finetune>, pattern: RegExp): void {
  assert.equal(result.signal, null, `killed by ${result.signal} (a hang?); stderr: ${result.stderr}`);
  assert.equal(result.status, 1, `exit code ${result.status}; stderr: ${result.stderr}`);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('finetune:'));
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0], pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}
