import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  argumentsFromFlags,
  resolveTrainingArguments,
  resolvedLearningRate,
  trainingArgumentsJsonSchema,
  TRAINING_OPTIONS,
} from '../../contracts/src/training-arguments';
import { readConfigFile } from '../../engine/src/train/config-file';

const required = { model: 'm', data: 'd.jsonl', out: 'run' };

test('defaults fill what is not given', () => {
  const args = resolveTrainingArguments([required]);
  assert.equal(args.method, 'lora');
  assert.equal(args.rank, 8);
  assert.deepEqual(args.targetModules, ['q_proj', 'v_proj']);
  assert.equal(resolvedLearningRate(args), 2e-4);
  assert.equal(resolvedLearningRate({ ...args, method: 'full' }), 2e-5);
});

test('flags parse numbers, lists, booleans and --no-', () => {
  const { layer } = argumentsFromFlags(['--model', 'm', '--lr=3e-4', '--target-modules', 'q_proj, k_proj', '--rslora', '--no-resume', '--batch-size', '2']);
  assert.deepEqual(layer, { model: 'm', lr: 3e-4, targetModules: ['q_proj', 'k_proj'], rslora: true, resume: false, batchSize: 2 });
});

test('command line wins over the config file, which wins over defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'train-args-'));
  try {
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ config: { ...required, rank: 4, alpha: 8, somethingElse: 1 } }));
    const fromFile = readConfigFile(file);
    const { layer } = argumentsFromFlags(['--rank', '16']);
    const args = resolveTrainingArguments([fromFile, layer]);
    assert.equal(args.rank, 16);
    assert.equal(args.alpha, 8);
    assert.equal(args.dropout, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad values are refused naming the flag', () => {
  assert.throws(() => resolveTrainingArguments([{ ...required, rank: 0 }]), /--rank/);
  assert.throws(() => resolveTrainingArguments([{ ...required, method: 'magic' }]), /--method/);
  assert.throws(() => argumentsFromFlags(['--rnak', '3']), /--rnak/);
  assert.throws(() => argumentsFromFlags(['--rank', 'many']), /--rank/);
  assert.throws(() => resolveTrainingArguments([{ data: 'x', out: 'y' }]), /--model/);
});

test('the JSON schema lists every option with its help', () => {
  const schema = trainingArgumentsJsonSchema() as { properties: Record<string, { description?: string }> };
  for (const key of Object.keys(TRAINING_OPTIONS)) assert.ok(schema.properties[key]?.description, key);
});
