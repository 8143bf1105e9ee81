// Command and suite names are user text: `finetune constructor` is an unknown command (exit 2), not a TypeError.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const main = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', ...args], { encoding: 'utf8' });

test('a prototype name as a command is an unknown command', () => {
  for (const name of ['constructor', 'toString']) {
    const result = main(name);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`unknown command '${name}'`));
  }
});

test('a prototype name as a bench suite is an unknown suite', () => {
  const result = main('bench', '--only', 'constructor');
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /unknown suite 'constructor'/);
});
