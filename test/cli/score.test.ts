// `finetune score` through the built CLI (run `npm run build` first) on a tiny model made by init-model.
import { finetune } from './finetune-cli';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '../../engine/src/graph';
import { initModel } from '../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../engine/src/io/model-folder';
import { writeSafetensors } from '../../engine/src/io/safetensors-writer';
import { buildInferenceGraph } from '../../engine/src/models/from-folder';
import { openGraphSession } from '../../engine/src/runtime/graph-session';

const TEXT = 'Data is the new code, 数据 🙂';

let root: string;
let modelDir: string;
let folder: ModelFolder;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'finetune-score-cli-'));
  modelDir = join(root, 'model');
  initModel({ arch: 'qwen2', size: 'tiny', out: modelDir, seed: 3 });
  folder = loadModelFolder(modelDir);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('score --json gives each token its log-probability given the previous ones', async () => {
  const run = finetune('score', '--model', modelDir, '--text', TEXT, '--json', '--device', 'cpu');
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { tokens: number[]; logprobs: (number | null)[] };
  assert.deepEqual(result.tokens, folder.tokenizer!.encode(TEXT, { addSpecialTokens: true }));
  assert.equal(result.logprobs.length, result.tokens.length);
  assert.equal(result.logprobs[0], null);
  // Independently: log-softmax of the full logits at t-1, picked at token t.
  const { session } = await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { device: 'cpu' });
  const n = result.tokens.length;
  const out = await session.run({ input_ids: tensor('int64', [1, n], result.tokens), attention_mask: tensor('int64', [1, n], Array(n).fill(1)) });
  await session.release();
  const logits = out.logits.data as Float32Array;
  const vocab = folder.config.vocabSize;
  for (let t = 1; t < n; t++) {
    const row = Array.from(logits.subarray((t - 1) * vocab, t * vocab));
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0)) + max;
    const expected = row[result.tokens[t]] - logSum;
    assert.ok(Math.abs((result.logprobs[t] as number) - expected) < 1e-4, `token ${t}: ${result.logprobs[t]} vs ${expected}`);
  }
});

test('score --adapter applies a PEFT LoRA adapter', () => {
  const adapterDir = join(root, 'adapter');
  const { hiddenSize } = folder.config;
  mkdirSync(adapterDir);
  writeFileSync(join(adapterDir, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 2, lora_alpha: 16, target_modules: ['q_proj'], bias: 'none' }));
  writeSafetensors(join(adapterDir, 'adapter_model.safetensors'), [
    { name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', dtype: 'F32', shape: [2, hiddenSize], data: Float32Array.from({ length: 2 * hiddenSize }, (_, i) => Math.sin(i)) },
    { name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight', dtype: 'F32', shape: [hiddenSize, 2], data: Float32Array.from({ length: 2 * hiddenSize }, (_, i) => Math.cos(i)) },
  ]);
  const base = JSON.parse(finetune('score', '--model', modelDir, '--text', TEXT, '--json', '--device', 'cpu').stdout) as { logprobs: number[] };
  const run = finetune('score', '--model', modelDir, '--adapter', adapterDir, '--text', TEXT, '--json', '--device', 'cpu');
  assert.equal(run.status, 0, run.stderr);
  const adapted = JSON.parse(run.stdout) as { logprobs: number[] };
  const change = Math.max(...adapted.logprobs.slice(1).map((value, i) => Math.abs(value - base.logprobs[i + 1])));
  assert.ok(change > 1e-3, `largest change ${change}`);
});

test('score refuses bad input with exit code 1', () => {
  assert.equal(finetune('score', '--model', join(root, 'missing'), '--text', 'x', '--json').status, 1);
  assert.equal(finetune('score', '--model', modelDir, '--json').status, 1);
  assert.equal(finetune('score', '--model', modelDir, '--text', 'x', '--device', 'tpu').status, 1);
});
