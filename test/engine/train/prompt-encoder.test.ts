// P-tuning's prompt encoder against PEFT's PromptEncoder (test/fixtures/roundtrip/peft-ptuning, written by
// reference/roundtrip/make_ptuning_fixture.py): from PEFT's initial encoder weights, our graph gives PEFT's encoder
// output, PEFT's loss on a fixed batch of init-model's tiny qwen2 and PEFT's gradient for every encoder tensor, for
// both the MLP and the (unrolled) bidirectional LSTM. Our own initialisation follows PyTorch's distributions.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { buildPromptEncoder, initialPromptEncoder, promptEncoderParameters, type EncoderType } from '../../../engine/src/train/methods/prompt-encoder';
import { SeededRandom } from '../../../engine/src/train/random';
import { compareWithPeft, type FixtureBatch } from './peft-encoder-check';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-ptuning');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  virtualTokens: number;
  encoderHiddenSize: number;
  batch: FixtureBatch;
  types: Record<EncoderType, { loss: number }>;
};

let dir: string;
let folder: ModelFolder;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-prompt-encoder-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: dir, seed: 0, force: true });
  folder = loadModelFolder(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const type of ['mlp', 'lstm'] as const) {
  test(`the ${type} prompt encoder gives PEFT's output, loss and gradients`, async () => {
    const settings = { type, virtualTokens: expected.virtualTokens, tokenDim: folder.config.hiddenSize, encoderHiddenSize: expected.encoderHiddenSize };
    const result = await compareWithPeft(folder, join(FIXTURE, type), expected.batch, (weight) => buildPromptEncoder(settings, weight), (virtualTokens) => ({ virtualTokens }));
    assert.deepEqual(
      promptEncoderParameters(settings).map(({ name, shape }) => [name, shape]).sort(),
      result.shapes.sort(),
      'the same tensors as PEFT',
    );
    assert.ok(result.output < 1e-5, `encoder output differs by ${result.output}`);
    assert.ok(Math.abs(result.loss - expected.types[type].loss) < 1e-5, `loss ${result.loss} vs PEFT's ${expected.types[type].loss}`);
    assert.ok(result.gradients < 1e-4, `gradients: worst difference ${result.gradients} of the tensor's largest entry`);
    console.log(`${type} encoder vs PEFT: loss ${result.loss.toFixed(6)} (PEFT ${expected.types[type].loss.toFixed(6)}), gradients within ${result.gradients.toExponential(2)} of scale`);
  });
}

test('the initialisation follows PyTorch: embedding N(0, 1), linear and LSTM tensors U(±1/√fan)', () => {
  const settings = { type: 'lstm' as const, virtualTokens: 20, tokenDim: 64, encoderHiddenSize: 32 };
  const tensors = initialPromptEncoder(settings, new SeededRandom(3), 'prompt_encoder.');
  const byName = new Map(tensors.map((t) => [t.name, t.value]));
  const embedding = byName.get('prompt_encoder.embedding.weight')!;
  const mean = embedding.reduce((sum, value) => sum + value, 0) / embedding.length;
  const variance = embedding.reduce((sum, value) => sum + (value - mean) ** 2, 0) / embedding.length;
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(variance - 1) < 0.1, `embedding mean ${mean}, variance ${variance}`);
  const bound = (name: string) => Math.max(...byName.get(`prompt_encoder.${name}`)!.map(Math.abs));
  assert.ok(bound('lstm_head.weight_ih_l0') <= 1 / Math.sqrt(32) && bound('lstm_head.weight_ih_l0') > 0.9 / Math.sqrt(32));
  assert.ok(bound('mlp_head.0.weight') <= 1 / Math.sqrt(64) && bound('mlp_head.2.bias') <= 1 / Math.sqrt(64));
});
