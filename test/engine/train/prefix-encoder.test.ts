// Prefix tuning against PEFT's PrefixEncoder (test/fixtures/roundtrip/peft-prefix, written by
// reference/roundtrip/make_prefix_fixture.py): from PEFT's initial weights, with and without prefix_projection, our
// graph gives PEFT's prefix table, PEFT's loss on a fixed (right-padded) batch of init-model's tiny qwen2 — GQA, so
// one prefix per key/value head; positions behind the prefix as transformers gives them — and PEFT's gradients.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { prefixKeyValues } from '../../../engine/src/models/prefix';
import { buildPrefixEncoder, prefixEncoderParameters } from '../../../engine/src/train/methods/prefix-encoder';
import { compareWithPeft, type FixtureBatch } from './peft-encoder-check';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-prefix');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  virtualTokens: number;
  encoderHiddenSize: number;
  batch: FixtureBatch;
  types: Record<'plain' | 'projection', { loss: number }>;
};

let dir: string;
let folder: ModelFolder;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-prefix-encoder-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: dir, seed: 0, force: true });
  folder = loadModelFolder(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const type of ['plain', 'projection'] as const) {
  test(`prefix tuning (${type}) gives PEFT's prefix table, loss and gradients`, async () => {
    const { numKvHeads, headDim, numLayers } = folder.config;
    const settings = { virtualTokens: expected.virtualTokens, kvDim: numKvHeads * headDim, numLayers, projection: type === 'projection', encoderHiddenSize: expected.encoderHiddenSize };
    const result = await compareWithPeft(folder, join(FIXTURE, type), expected.batch, (weight) => buildPrefixEncoder(settings, weight), (table) => ({ prefix: prefixKeyValues(table, folder.config) }));
    assert.deepEqual(prefixEncoderParameters(settings).map(({ name, shape }) => [name, shape]).sort(), result.shapes.sort(), 'the same tensors as PEFT');
    assert.ok(result.output < 1e-5, `prefix table differs by ${result.output}`);
    assert.ok(Math.abs(result.loss - expected.types[type].loss) < 1e-5, `loss ${result.loss} vs PEFT's ${expected.types[type].loss}`);
    assert.ok(result.gradients < 1e-4, `gradients: worst difference ${result.gradients} of the tensor's largest entry`);
    console.log(`prefix ${type} vs PEFT: loss ${result.loss.toFixed(6)} (PEFT ${expected.types[type].loss.toFixed(6)}), gradients within ${result.gradients.toExponential(2)} of scale`);
  });
}
