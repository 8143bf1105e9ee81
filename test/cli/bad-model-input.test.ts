// Issue #14, bad model input through the built CLI (run `npm run build` first): absurd config sizes, NaN weights, an
// absurd rope_theta, and files of the wrong kind (a FIFO, a folder) each end quickly in one located error line.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../engine/src/init/init-model';
import { readSafetensorsHeader } from '../../engine/src/io/safetensors';
import { chatJsonl, FACTS } from '../engine/train/helpers';
import { assertOneLineError, finetuneUnprivileged, finetuneWithin } from './finetune-cli';

let root: string;
let model: string;
let data: string;
let copies = 0;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'finetune-bad-model-'));
  chmodSync(root, 0o755); // the permission test runs the CLI as another user
  model = join(root, 'model');
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 5 });
  data = join(root, 'data.jsonl');
  writeFileSync(data, chatJsonl(FACTS));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the tiny model with `change` applied to it. */
function brokenModel(change: (dir: string) => void): string {
  const dir = join(root, `broken-${++copies}`);
  cpSync(model, dir, { recursive: true });
  change(dir);
  return dir;
}

function editConfig(dir: string, changes: Record<string, unknown>): void {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...changes }));
}

test('an absurd num_hidden_layers is refused from the weights header at once, naming the key', () => {
  const dir = brokenModel((d) => editConfig(d, { num_hidden_layers: 10_000_000 }));
  const started = performance.now();
  const result = finetuneWithin(30_000, 'score', '--model', dir, '--text', 'hello', '--device', 'cpu');
  assertOneLineError(result, /config\.json: key 'num_hidden_layers': .*10000000.*2 layers/);
  assert.ok(performance.now() - started < 15_000, 'quick, not after building ten million layers');
});

test('a hidden_size or vocab_size the embedding contradicts names the key', () => {
  for (const [key, value] of [['hidden_size', 1 << 30], ['vocab_size', 123_456_789]] as const) {
    const dir = brokenModel((d) => editConfig(d, { [key]: value, ...(key === 'hidden_size' ? { head_dim: 16 } : {}) }));
    assertOneLineError(finetuneWithin(30_000, 'score', '--model', dir, '--text', 'hello', '--device', 'cpu'), new RegExp(`key '${key}': ${key} is ${value} but model.embed_tokens.weight is`));
  }
});

test('NaN in a weight: score, eval and generate name the tensor and exit 1 instead of printing nulls or junk', () => {
  const tensor = 'model.layers.1.mlp.up_proj.weight';
  const dir = brokenModel((d) => {
    const file = join(d, 'model.safetensors');
    const info = readSafetensorsHeader(file).tensors.get(tensor)!;
    const bytes = readFileSync(file);
    bytes.writeFloatLE(Number.NaN, info.start + 4 * 10);
    writeFileSync(file, bytes);
  });
  const pattern = new RegExp(`model\\.safetensors: tensor '${tensor.replaceAll('.', '\\.')}' holds a value that is NaN or infinite \\(first at index 10`);
  assertOneLineError(finetuneWithin(60_000, 'score', '--model', dir, '--text', 'hello world', '--json', '--device', 'cpu'), pattern);
  assertOneLineError(finetuneWithin(60_000, 'eval', '--model', dir, '--data', data, '--device', 'cpu'), pattern);
  assertOneLineError(finetuneWithin(60_000, 'generate', '--model', dir, '--prompt', 'hello', '--max-new-tokens', '4', '--device', 'cpu'), pattern);
  // Training stops at step 1 as before, but names the tensor instead of suggesting a lower --lr.
  const trained = finetuneWithin(60_000, 'train', '--model', dir, '--data', data, '--out', join(root, 'nan-run'), '--steps', '2', '--device', 'cpu');
  assert.equal(trained.status, 1, trained.stderr);
  assert.match(trained.stderr, new RegExp(`error at step 1: .*tensor '${tensor.replaceAll('.', '\\.')}' holds 1 NaN or infinite value .*training diverged at step 1; the base model's weights are damaged`));
});

test('an absurd rope_theta is refused with its key', () => {
  const dir = brokenModel((d) => editConfig(d, { rope_theta: 1e-300 }));
  assertOneLineError(finetuneWithin(30_000, 'score', '--model', dir, '--text', 'hello world', '--json', '--device', 'cpu'), /config\.json: key 'rope_theta': rope_theta 1e-300/);
});

test('a FIFO where model.safetensors belongs is refused without opening it (opening would block)', () => {
  const dir = brokenModel((d) => {
    rmSync(join(d, 'model.safetensors'));
    execFileSync('mkfifo', [join(d, 'model.safetensors')]);
  });
  assertOneLineError(finetuneWithin(30_000, 'score', '--model', dir, '--text', 'hello', '--device', 'cpu'), /model\.safetensors: the safetensors file is a named pipe \(FIFO\), not a regular file/);
});

test('a folder given as the dataset or as config.json is named, not an EISDIR stack trace', () => {
  const folder = join(root, 'a-folder.jsonl');
  mkdirSync(folder);
  assertOneLineError(finetuneWithin(60_000, 'train', '--model', model, '--data', folder, '--out', join(root, 'run-folder'), '--steps', '1', '--device', 'cpu'), /a-folder\.jsonl: the dataset file is a folder, not a file/);
  assertOneLineError(finetuneWithin(60_000, 'eval', '--model', model, '--data', folder, '--device', 'cpu'), /a-folder\.jsonl: the dataset file is a folder/);
  const dir = brokenModel((d) => {
    rmSync(join(d, 'config.json'));
    mkdirSync(join(d, 'config.json'));
  });
  assertOneLineError(finetuneWithin(30_000, 'score', '--model', dir, '--text', 'hello', '--device', 'cpu'), /config\.json: config\.json is a folder, not a file/);
});

test('an unreadable tokenizer.json or dataset, or an --out that cannot be written, is named, not an EACCES stack trace', (t) => {
  const dir = brokenModel((d) => chmodSync(join(d, 'tokenizer.json'), 0o000));
  const scored = finetuneUnprivileged(30_000, 'score', '--model', dir, '--text', 'hello', '--device', 'cpu');
  if (!scored) return t.skip('running as root without setpriv: permissions do not apply');
  assertOneLineError(scored, /tokenizer\.json: tokenizer\.json is not readable \(permission denied\)/);
  const secret = join(root, 'secret.jsonl');
  writeFileSync(secret, chatJsonl(FACTS));
  chmodSync(secret, 0o000);
  assertOneLineError(finetuneUnprivileged(60_000, 'eval', '--model', model, '--data', secret, '--device', 'cpu')!, /secret\.jsonl: the dataset file is not readable \(permission denied\)/);
  const locked = join(root, 'locked');
  mkdirSync(locked, { mode: 0o755 });
  assertOneLineError(finetuneUnprivileged(60_000, 'train', '--model', model, '--data', data, '--out', join(locked, 'run'), '--steps', '1', '--device', 'cpu')!, /locked\/run: permission denied \(EACCES\) while creating the run folder$/);
});
