// GPT-2 through the training methods: LoRA on PEFT's GPT-2 targets (c_attn, c_proj, c_fc, Conv1D modules) learns and
// is saved as PEFT saves it (fan_in_fan_out, A [r, in], B [out, r]); the saved adapter, merged on load, scores as the
// training graph did; QLoRA quantises the Conv1D weights; full fine-tuning writes a GPT-2 folder that loads; prompt
// and prefix tuning run end to end (their numbers against PEFT: models/peft-prompt-architectures.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter, type PeftAdapter } from '../../../engine/src/adapters/peft';
import { tensor } from '../../../engine/src/graph';
import { readSafetensorsHeader } from '../../../engine/src/io/safetensors';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { train } from '../../../engine/src/train/loop';
import { quantizeBase } from '../../../engine/src/train/methods/qlora';
import { createFixture, stepLosses, type Fixture } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture('gpt2');
});
after(() => fixture.cleanup());

/** The summed log-probability of one sentence under the model (and adapter). */
async function sentenceLogprob(model: ModelFolder, adapter?: PeftAdapter): Promise<number> {
  const ids = model.tokenizer!.encode('The capital of France is Paris.', { addSpecialTokens: true });
  const { session } = await openGraphSession(buildInferenceGraph(model, { output: { kind: 'token-logprobs' }, adapter }).graph, { device: 'cpu' });
  const out = await session.run({ input_ids: tensor('int64', [1, ids.length], ids), attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)) });
  await session.release();
  return (out.token_logprobs.data as Float32Array).reduce((a, b) => a + b, 0);
}

test('LoRA on c_attn, c_proj and c_fc learns and writes a fan_in_fan_out PEFT adapter', async () => {
  const args = fixture.args({ out: 'lora', steps: 30, targetModules: ['c_attn', 'c_proj', 'c_fc'] });
  assert.equal((await train(args)).status, 'done');
  const losses = stepLosses(args.out);
  // No LoRA on the tied lm_head, so it learns slower than the Llama fixture with lm_head (6.94 → 5.92 measured).
  assert.ok(losses.at(-1)! < losses[0] * 0.88, `loss ${losses[0]} → ${losses.at(-1)}`);

  const adapterDir = join(args.out, 'adapter');
  const config = JSON.parse(readFileSync(join(adapterDir, 'adapter_config.json'), 'utf8'));
  assert.equal(config.fan_in_fan_out, true);
  const model = loadModelFolder(fixture.model);
  const { hiddenSize: hidden, intermediateSize: inter, numLayers } = model.config;
  const header = readSafetensorsHeader(join(adapterDir, 'adapter_model.safetensors'));
  assert.equal(header.tensors.size, numLayers * 4 * 2);
  const shapes = (module: string) => [header.tensors.get(`base_model.model.${module}.lora_A.weight`)?.shape, header.tensors.get(`base_model.model.${module}.lora_B.weight`)?.shape];
  assert.deepEqual(shapes('transformer.h.0.attn.c_attn'), [[4, hidden], [3 * hidden, 4]]);
  assert.deepEqual(shapes('transformer.h.1.mlp.c_fc'), [[4, hidden], [inter, 4]]);
  assert.deepEqual(shapes('transformer.h.1.mlp.c_proj'), [[4, inter], [hidden, 4]]);

  // The saved adapter loads and merges into the [in, out] weights (the numbers are pinned by gpt2-peft.test.ts).
  const score = (adapter?: PeftAdapter) => sentenceLogprob(model, adapter);
  const base = await score();
  const tuned = await score(readPeftAdapter(adapterDir));
  assert.ok(Number.isFinite(tuned) && tuned !== base, `log-prob ${base} → ${tuned}`);
});

test('QLoRA quantises GPT-2\'s Conv1D weights as stored ([in, out]) and learns like LoRA', async () => {
  const args = fixture.args({ out: 'qlora', method: 'qlora', quantType: 'nf4', steps: 30, targetModules: ['c_attn', 'c_proj', 'c_fc'] });
  assert.equal((await train(args)).status, 'done');
  const losses = stepLosses(args.out);
  assert.ok(losses.at(-1)! < losses[0] * 0.9, `loss ${losses[0]} → ${losses.at(-1)}`);
  assert.equal(JSON.parse(readFileSync(join(args.out, 'adapter', 'adapter_config.json'), 'utf8')).fan_in_fan_out, true);
  const model = loadModelFolder(fixture.model);
  const quantized = [...quantizeBase(model, 'nf4').tensors.keys()];
  assert.equal(quantized.length, model.config.numLayers * 4);
  assert.ok(quantized.includes('transformer.h.1.mlp.c_fc.weight') && !quantized.some((name) => name.includes('wte') || name.includes('ln_')));
});

test('full fine-tuning of GPT-2 writes a model folder with the Conv1D layout that loads', async () => {
  const args = fixture.args({ out: 'full', method: 'full', steps: 8, lr: 1e-3 });
  assert.equal((await train(args)).status, 'done');
  const losses = stepLosses(args.out);
  assert.ok(losses.at(-1)! < losses[0], `loss ${losses[0]} → ${losses.at(-1)}`);
  const written = loadModelFolder(join(args.out, 'model'));
  assert.equal(written.config.arch, 'gpt2');
  assert.deepEqual(written.weights.info('transformer.h.0.attn.c_attn.weight').shape, [written.config.hiddenSize, 3 * written.config.hiddenSize]);
});

test('prompt tuning (text init) and prefix tuning run end to end on GPT-2 and write adapters that score', async () => {
  const model = loadModelFolder(fixture.model);
  const score = (adapter?: PeftAdapter) => sentenceLogprob(model, adapter);
  const base = await score();
  for (const overrides of [{ method: 'prompt', promptInit: 'text:"Answer briefly"', lr: 3e-1 }, { method: 'prefix', lr: 1e-1 }] as const) {
    const args = fixture.args({ out: overrides.method, ...overrides, virtualTokens: 4, steps: 10, samplePrompt: 'Hi', sampleMaxTokens: 2 });
    const result = await train(args);
    assert.equal(result.status, 'done', result.message);
    const losses = stepLosses(args.out);
    assert.ok(losses.at(-1)! < losses[0], `${overrides.method}: loss ${losses[0]} → ${losses.at(-1)}`);
    assert.match(readFileSync(join(args.out, 'metrics.jsonl'), 'utf8'), /"type":"sample"/, 'a sample generated with the virtual tokens');
    const tuned = await score(readPeftAdapter(join(args.out, 'adapter')));
    assert.ok(Number.isFinite(tuned) && tuned !== base, `${overrides.method}: log-prob ${base} → ${tuned}`);
  }
});
