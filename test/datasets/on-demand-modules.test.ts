// zod (the config file's schema) and the tokenizer packages (a base model's token counts) are most of what a lint
// thread would compile at start, and most lints need neither: they load only when a config file or a base model asks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

function lintInChild(file: string): { findings: number; zod: boolean; tokenizers: boolean; jinja: boolean } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'on-demand-modules-child.ts'), file], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('a lint with no config file and no base model loads neither zod nor the tokenizer packages; a config file loads zod', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-on-demand-'));
  try {
    const file = join(dir, 'data.jsonl');
    writeFileSync(file, `${JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there.' }] })}\n`);
    const bare = lintInChild(file);
    assert.ok(bare.findings > 0, 'the lint ran (too-few-examples at least)');
    assert.deepEqual({ zod: bare.zod, tokenizers: bare.tokenizers, jinja: bare.jinja }, { zod: false, tokenizers: false, jinja: false });
    writeFileSync(join(dir, 'finetune.config.json'), JSON.stringify({ minExamples: 1 }));
    const configured = lintInChild(file);
    assert.equal(configured.zod, true);
    assert.equal(configured.tokenizers, false);
    assert.ok(configured.findings < bare.findings, 'the config applied: no too-few-examples');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
