// Command names are user text: `finetune constructor` is an unknown command (exit 2), not a TypeError
// (bench suite names: test/bench/main.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finetune } from './finetune-cli';

test('a prototype name as a command is an unknown command', () => {
  for (const name of ['constructor', 'toString']) {
    const result = finetune(name);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`unknown command '${name}'`));
  }
});
