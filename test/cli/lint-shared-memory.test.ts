// `finetune lint` shares its blocks and results with its worker thread instead of transferring them: a thread's
// first ArrayBuffer detach makes V8 check every typed-array access in it from then on (~6% of the per-line
// analysis), so neither thread may detach one. V8 says when that protector falls (--trace-protector-invalidation).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PARALLEL_MIN_BYTES } from '../../datasets/src/parallel/lint-parallel';
import { cliBundle } from './cli-bundle';

test('finetune lint on a worker thread detaches no ArrayBuffer in either thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-shared-'));
  try {
    const file = join(dir, 'data.jsonl');
    const lines: string[] = [];
    for (let i = 0, bytes = 0; bytes <= PARALLEL_MIN_BYTES; i++) {
      lines.push(JSON.stringify({ messages: [{ role: 'user', content: `Question ${i} about topic ${i % 37}?` }, { role: 'assistant', content: `Answer number ${i}: ${'words of the answer '.repeat(1 + (i % 9))}.` }] }));
      bytes += lines[lines.length - 1].length + 1;
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const lint = spawnSync(process.execPath, ['--trace-protector-invalidation', cliBundle(), 'lint', '--json', file], { encoding: 'utf8', maxBuffer: 256 * 1024 ** 2 });
    assert.ok(lint.status === 0 || lint.status === 1, lint.stderr);
    assert.ok((JSON.parse(lint.stdout) as unknown[]).length > 0, 'the lint ran and found something');
    assert.doesNotMatch(lint.stderr, /ArrayBufferDetaching/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
