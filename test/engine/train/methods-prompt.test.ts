// Prompt tuning end to end on the tiny model: trainable virtual tokens, the loss falls, the adapter is written in
// PEFT's PROMPT_TUNING layout, read back by the adapter reader, and the KV-cache graph `generate` uses agrees with
// the plain forward `score` uses (virtual tokens as a cached prefix vs. prepended embeddings).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { createSession, tensor } from '../../../engine/src/graph';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsHeader } from '../../../engine/src/io/safetensors';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { NAMES } from '../../../engine/src/models/types';
import { createPromptPlan } from '../../../engine/src/train/methods/prompt';
import { train } from '../../../engine/src/train/loop';
import { createFixture, type Fixture, sharpenHead, stepLosses } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
  sharpenHead(fixture.model, 15);
});

after(() => fixture.cleanup());


test('prompt tuning trains virtual tokens and writes a PEFT PROMPT_TUNING adapter', async () => {
  const args = fixture.args({ out: 'prompt', method: 'prompt', virtualTokens: 8, lr: 0.3, steps: 40 });
  const result = await train(args);
  assert.equal(result.status, 'done', result.message);
  const curve = stepLosses(args.out);
  assert.ok(curve.at(-1)! < curve[0] * 0.85, `loss ${curve[0]} → ${curve.at(-1)!}`);
  console.log(`prompt tuning: loss ${curve[0].toFixed(3)} → ${curve.at(-1)!.toFixed(3)}`);

  const hidden = JSON.parse(readFileSync(join(fixture.model, 'config.json'), 'utf8')).hidden_size;
  const config = JSON.parse(readFileSync(join(args.out, 'adapter', 'adapter_config.json'), 'utf8'));
  assert.equal(config.peft_type, 'PROMPT_TUNING');
  assert.equal(config.task_type, 'CAUSAL_LM');
  assert.equal(config.num_virtual_tokens, 8);
  assert.equal(config.token_dim, hidden);
  assert.equal(config.num_transformer_submodules, 1);
  assert.equal(config.prompt_tuning_init, 'RANDOM');
  const header = readSafetensorsHeader(join(args.out, 'adapter', 'adapter_model.safetensors'));
  assert.deepEqual([...header.tensors.keys()], ['prompt_embeddings']);
  assert.deepEqual(header.tensors.get('prompt_embeddings')?.shape, [8, hidden]);

  // Read back: the KV-cache graph (prefill, then one decode step) gives the plain forward's logits.
  const adapter = readPeftAdapter(join(args.out, 'adapter'));
  assert.equal(adapter.prompt?.numVirtualTokens, 8);
  const folder = loadModelFolder(fixture.model);
  const ids = [5, 17, 99, 3, 250, 41];
  const plain = await createSession(buildInferenceGraph(folder, { output: { kind: 'logits' }, adapter }).graph, { intraOpThreads: 1 });
  const full = (await plain.run({ [NAMES.inputIds]: tensor('int64', [1, ids.length], ids), [NAMES.attentionMask]: tensor('int64', [1, ids.length], ids.map(() => 1)) })).logits.data as Float32Array;
  const withoutAdapter = await createSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { intraOpThreads: 1 });
  const base = (await withoutAdapter.run({ [NAMES.inputIds]: tensor('int64', [1, ids.length], ids), [NAMES.attentionMask]: tensor('int64', [1, ids.length], ids.map(() => 1)) })).logits.data as Float32Array;
  const cached = await createSession(buildInferenceGraph(folder, { output: { kind: 'last-logits' }, kvCache: true, positionIds: 'input', adapter }).graph, { intraOpThreads: 1 });
  const { numLayers, numKvHeads, headDim, vocabSize } = folder.config;
  const run = async (chunk: number[], start: number, past: ort.Tensor[] | null) => {
    const feeds: Record<string, ort.Tensor> = {
      [NAMES.inputIds]: tensor('int64', [1, chunk.length], chunk),
      [NAMES.attentionMask]: tensor('int64', [1, start + chunk.length], new Array<number>(start + chunk.length).fill(1)),
      [NAMES.positionIds]: tensor('int64', [1, chunk.length], chunk.map((_, index) => start + index)),
    };
    for (let layer = 0; layer < numLayers; layer++) {
      feeds[NAMES.pastKey(layer)] = past?.[2 * layer] ?? tensor('float32', [1, numKvHeads, 0, headDim], new Float32Array(0));
      feeds[NAMES.pastValue(layer)] = past?.[2 * layer + 1] ?? tensor('float32', [1, numKvHeads, 0, headDim], new Float32Array(0));
    }
    const out = await cached.run(feeds);
    assert.deepEqual(out[NAMES.presentKey(0)].dims, [1, numKvHeads, start + chunk.length, headDim]);
    const present = Array.from({ length: numLayers }, (_, layer) => [out[NAMES.presentKey(layer)], out[NAMES.presentValue(layer)]]).flat();
    return { logits: out.logits.data as Float32Array, present };
  };
  const prefill = await run(ids.slice(0, -1), 0, null);
  const decode = await run(ids.slice(-1), ids.length - 1, prefill.present);
  const row = (data: Float32Array, position: number) => data.subarray(position * vocabSize, (position + 1) * vocabSize);
  const difference = (a: Float32Array, b: Float32Array) => Math.max(...a.map((value, index) => Math.abs(value - b[index])));
  assert.ok(difference(prefill.logits, row(full, ids.length - 2)) < 1e-4);
  assert.ok(difference(decode.logits, row(full, ids.length - 1)) < 1e-4);
  assert.ok(difference(row(full, 0), row(base, 0)) > 1e-3, 'the virtual tokens change the logits');
  for (const session of [plain, withoutAdapter, cached]) await session.release();
});

test('--prompt-init text:"…" starts from the embeddings of the text, repeated to the token count', () => {
  const folder = loadModelFolder(fixture.model, { requireTokenizer: true });
  const ids = folder.tokenizer!.encode('the sky is blue', { addSpecialTokens: true });
  const plan = createPromptPlan(folder, { virtualTokens: ids.length + 2, promptInit: 'text:"the sky is blue"', seed: 1 });
  const hidden = folder.config.hiddenSize;
  const embedding = folder.weights.readFloat32('model.embed_tokens.weight');
  const value = plan.trainable[0].value;
  for (let token = 0; token < ids.length + 2; token++) {
    const id = ids[token % ids.length];
    assert.deepEqual(value.subarray(token * hidden, (token + 1) * hidden), embedding.subarray(id * hidden, (id + 1) * hidden));
  }
  assert.throws(() => createPromptPlan(folder, { virtualTokens: 4, promptInit: 'vocab', seed: 1 }), /prompt-init/);
});
