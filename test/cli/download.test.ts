// `finetune download` through the bundled CLI (built fresh, cli-bundle.ts) against a fake Hub on 127.0.0.1: the
// endpoint and token come from HF_ENDPOINT / HF_TOKEN, --progress json streams byte counts on stderr, --json gives
// the result; a gated repository without a token and a pickle-only one exit 1 without a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../engine/src/init/init-model';
import { FakeHub } from '../engine/download/fake-hub';
import { cliBundle } from './cli-bundle';

const CLI = cliBundle();

let dir: string;
let model: string;
let hub: FakeHub;

// Asynchronous: the fake Hub answers from this same process, so the test must not block its event loop.
function finetune(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, HF_TOKEN: '', HF_ENDPOINT: hub.endpoint, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-download-cli-'));
  model = join(dir, 'tiny');
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 8 });
  hub = new FakeHub();
  await hub.start();
  hub.addFolder('acme/tiny', model);
  hub.addFolder('acme/gated', model, {}, { gatedToken: 'hf_cli' });
  hub.addRepo('acme/pickle', new Map([['config.json', readFileSync(join(model, 'config.json'))], ['model.bin', Buffer.alloc(32)]]));
});

after(async () => {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('downloads with HF_ENDPOINT, reports JSON progress on stderr and the result on stdout', async () => {
  const out = join(dir, 'out-tiny');
  const run = await finetune(['download', 'acme/tiny', '--out', out, '--progress', 'json', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { out: string; architecture: string; files: string[]; bytesReceived: number };
  assert.equal(result.out, out);
  assert.equal(result.architecture, 'llama');
  assert.ok(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(model, 'model.safetensors'))));
  const events = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as { type: string; done: number; total: number });
  const last = events.filter((event) => event.type === 'progress').at(-1);
  assert.ok(last);
  assert.equal(last.done, result.bytesReceived);
  assert.equal(last.total, result.bytesReceived);
});

test('a gated repository needs HF_TOKEN (or --token); a pickle-only repository is refused', async () => {
  const gated = await finetune(['download', 'acme/gated', '--out', join(dir, 'out-gated')]);
  assert.equal(gated.status, 1);
  assert.match(gated.stderr, /^finetune: acme\/gated:/);
  assert.doesNotMatch(gated.stderr, /\n\s+at /, 'no stack trace');
  const withToken = await finetune(['download', 'acme/gated', '--out', join(dir, 'out-gated'), '--json'], { HF_TOKEN: 'hf_cli' });
  assert.equal(withToken.status, 0, withToken.stderr);
  const withFlag = await finetune(['download', 'acme/gated', '--out', join(dir, 'out-gated-flag'), '--token', 'hf_cli', '--json']);
  assert.equal(withFlag.status, 0, withFlag.stderr);
  const pickle = await finetune(['download', 'acme/pickle', '--out', join(dir, 'out-pickle')]);
  assert.equal(pickle.status, 1);
  assert.match(pickle.stderr, /model\.bin/);
});
