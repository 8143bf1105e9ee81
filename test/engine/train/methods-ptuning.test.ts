// P-tuning end to end on the tiny model, for both prompt encoders: the encoder trains inside the step graph, the
// loss falls, and the run writes PEFT's P_TUNING layout whose prompt_embeddings are the final encoder's output
// (what PEFT saves), read back by the adapter reader as virtual tokens. PEFT-side checks: prompt-encoder.test.ts
// (encoder maths) and models/ours-to-peft.test.ts (our adapter scored by PEFT).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { train } from '../../../engine/src/train/loop';
import { promptEncoderOutput } from '../../../engine/src/train/methods/prompt-encoder';
import { trainableTensor } from '../../../engine/src/train/methods/types';
import { createFixture, type Fixture, sharpenHead, stepLosses } from './helpers';

let fixture: Fixture;
before(() => {
  fixture = createFixture();
  sharpenHead(fixture.model, 15);
});
after(() => fixture.cleanup());

for (const encoderType of ['mlp', 'lstm'] as const) {
  test(`ptuning (${encoderType} encoder) trains and writes a PEFT P_TUNING adapter of the encoder's output`, async () => {
    const args = fixture.args({ out: `ptuning-${encoderType}`, method: 'ptuning', encoderType, encoderHiddenSize: 32, virtualTokens: 6, lr: 1e-2, steps: 30, samplePrompt: 'Hi', sampleMaxTokens: 2 });
    const result = await train(args);
    assert.equal(result.status, 'done', result.message);
    const curve = stepLosses(args.out);
    assert.ok(curve.at(-1)! < curve[0] * 0.85, `loss ${curve[0]} → ${curve.at(-1)!}`);
    console.log(`ptuning ${encoderType}: loss ${curve[0].toFixed(3)} → ${curve.at(-1)!.toFixed(3)}`);

    const hidden = loadModelFolder(fixture.model).config.hiddenSize;
    const config = JSON.parse(readFileSync(join(args.out, 'adapter', 'adapter_config.json'), 'utf8'));
    assert.equal(config.peft_type, 'P_TUNING');
    assert.equal(config.encoder_reparameterization_type, encoderType.toUpperCase());
    assert.equal(config.encoder_hidden_size, 32);
    assert.equal(config.num_virtual_tokens, 6);
    assert.equal(config.token_dim, hidden);
    const adapter = readPeftAdapter(join(args.out, 'adapter'));
    assert.equal(adapter.prompt?.peftType, 'P_TUNING');

    // The saved prompt is the encoder's output at the final weights (the last checkpoint holds them).
    const checkpoint = readSafetensorsHeader(join(result.lastCheckpoint!, 'trainable.safetensors'));
    const values = [...checkpoint.tensors].filter(([name]) => name.startsWith('value/'));
    const tensors = values.map(([name, info]) => trainableTensor(name.slice('value/'.length), [...info.shape], readTensorFloat32(info)));
    const settings = { type: encoderType, virtualTokens: 6, tokenDim: hidden, encoderHiddenSize: 32 };
    const expected = await promptEncoderOutput(settings, tensors, 'prompt_encoder.');
    assert.deepEqual(adapter.prompt?.embeddings, expected);
    const events = readFileSync(join(args.out, 'metrics.jsonl'), 'utf8');
    assert.match(events, /"type":"sample"/, 'the sample generated through the encoder output');
  });
}

test('--method ptuning refuses --init-adapter (PEFT saves the encoder output, not the encoder)', async () => {
  await assert.rejects(train(fixture.args({ out: 'ptuning-init', method: 'ptuning', initAdapter: fixture.dir })), /--init-adapter: --method ptuning cannot start from an adapter/);
});
