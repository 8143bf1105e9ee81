// Prefix tuning end to end on the tiny model (GQA: 4 heads, 2 key/value heads), with and without the projection
// MLP: the prefixes train in the step graph, the loss falls, gradient checkpointing gives the same losses, and the run
// writes PEFT's PREFIX_TUNING layout (the table [N, layers·2·kvDim]), read back by the adapter reader. PEFT-side
// checks: prefix-encoder.test.ts (maths and gradients), models/peft-prefix.test.ts and models/ours-to-peft.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { train } from '../../../engine/src/train/loop';
import { createFixture, type Fixture, sharpenHead, stepLosses } from './helpers';

let fixture: Fixture;
let model: string;
before(() => {
  fixture = createFixture();
  model = join(fixture.dir, 'qwen2');
  initModel({ arch: 'qwen2', size: 'tiny', out: model, seed: 1 });
  sharpenHead(model, 15);
});
after(() => fixture.cleanup());

for (const prefixProjection of [false, true]) {
  const name = prefixProjection ? 'with --prefix-projection' : 'plain';
  test(`prefix tuning (${name}) trains and writes a PEFT PREFIX_TUNING adapter`, async () => {
    const args = fixture.args({ out: `prefix-${prefixProjection}`, model, method: 'prefix', prefixProjection, encoderHiddenSize: 16, virtualTokens: 4, lr: prefixProjection ? 1e-2 : 1e-1, steps: 30, samplePrompt: 'Hi', sampleMaxTokens: 2 });
    const result = await train(args);
    assert.equal(result.status, 'done', result.message);
    const curve = stepLosses(args.out);
    assert.ok(curve.at(-1)! < curve[0] * 0.85, `loss ${curve[0]} → ${curve.at(-1)!}`);
    console.log(`prefix ${name}: loss ${curve[0].toFixed(3)} → ${curve.at(-1)!.toFixed(3)}`);

    const { numLayers, numKvHeads, headDim } = loadModelFolder(model).config;
    const config = JSON.parse(readFileSync(join(args.out, 'adapter', 'adapter_config.json'), 'utf8'));
    assert.equal(config.peft_type, 'PREFIX_TUNING');
    assert.equal(config.prefix_projection, prefixProjection);
    assert.equal(config.token_dim, numKvHeads * headDim);
    assert.equal(config.num_attention_heads, numKvHeads);
    assert.equal(config.num_layers, numLayers);
    const adapter = readPeftAdapter(join(args.out, 'adapter'));
    assert.equal(adapter.prefix?.embeddings.length, 4 * numLayers * 2 * numKvHeads * headDim);
    assert.match(readFileSync(join(args.out, 'metrics.jsonl'), 'utf8'), /"type":"sample"/, 'a sample generated from the prefixes');

    if (prefixProjection) {
      const checkpointed = fixture.args({ ...args, out: 'prefix-checkpointed', gradientCheckpointing: true, samplePrompt: undefined });
      assert.equal((await train(checkpointed)).status, 'done');
      const again = stepLosses(checkpointed.out);
      assert.ok(again.every((loss, index) => Math.abs(loss - curve[index]) < 1e-5), `checkpointed losses ${again} vs ${curve}`);
    }
  });
}

test('prefix tuning continues from a plain prefix adapter; not with --prefix-projection', async () => {
  const adapter = join(fixture.dir, 'prefix-false', 'adapter'); // the plain run's, above
  const again = fixture.args({ out: 'prefix-again', model, method: 'prefix', virtualTokens: 9, lr: 1e-9, steps: 1, initAdapter: adapter });
  assert.equal((await train(again)).status, 'done');
  const start = readPeftAdapter(adapter).prefix!;
  const continued = readPeftAdapter(join(again.out, 'adapter')).prefix!;
  assert.equal(continued.numVirtualTokens, start.numVirtualTokens, 'the adapter sets the number of virtual tokens');
  assert.ok(continued.embeddings.every((value, index) => Math.abs(value - start.embeddings[index]) < 1e-6), 'one step at lr 1e-9 leaves the prefixes where they started');
  await assert.rejects(train(fixture.args({ out: 'prefix-projected', model, method: 'prefix', prefixProjection: true, initAdapter: adapter })), /--prefix-projection cannot start from an adapter/);
});
