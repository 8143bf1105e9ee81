// `npm run bench` is its own entry (bench/main.ts): suite names are user text, so a prototype name is an unknown
// suite (exit 1, one line), not a TypeError; and the shipped CLI has no `bench` command any more.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { findCommand } from '../../cli/src/command-table';

test('a prototype name as a bench suite is an unknown suite', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--only', 'constructor'], { encoding: 'utf8' });
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /^finetune: bench: unknown suite 'constructor'/);
});

test('the bench is not a command of the shipped CLI', () => {
  assert.equal(findCommand('bench'), undefined);
});
