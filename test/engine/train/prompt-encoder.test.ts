// P-tuning's prompt encoder against PEFT's PromptEncoder (test/fixtures/roundtrip/peft-ptuning, written by
// reference/roundtrip/make_ptuning_fixture.py): from PEFT's initial encoder weights, our graph gives PEFT's encoder
// output, PEFT's loss on a fixed batch of init-model's tiny qwen2 and PEFT's gradient for every encoder tensor, for
// both the MLP and the (unrolled) bidirectional LSTM. Our own initialisation follows PyTorch's distributions.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gradients } from '../../../engine/src/autodiff';
import { createSession, Graph, tensor, type Value } from '../../../engine/src/graph';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { initializerParameters } from '../../../engine/src/models/parameters';
import { buildCausalLM } from '../../../engine/src/models/registry';
import { NAMES } from '../../../engine/src/models/types';
import { buildPromptEncoder, initialPromptEncoder, promptEncoderOutput, promptEncoderParameters, type EncoderType } from '../../../engine/src/train/methods/prompt-encoder';
import { SeededRandom } from '../../../engine/src/train/random';
import { trainableTensor } from '../../../engine/src/train/methods/types';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-ptuning');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  virtualTokens: number;
  encoderHiddenSize: number;
  batch: { inputIds: number[][]; attentionMask: number[][]; labels: number[][] };
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

function readAll(file: string): Map<string, { shape: number[]; data: Float32Array }> {
  const header = readSafetensorsHeader(file);
  return new Map([...header.tensors].map(([name, info]) => [name, { shape: [...info.shape], data: readTensorFloat32(info) }]));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index])), 0);
}

for (const type of ['mlp', 'lstm'] as const) {
  test(`the ${type} prompt encoder gives PEFT's output, loss and gradients`, async () => {
    const settings = { type, virtualTokens: expected.virtualTokens, tokenDim: folder.config.hiddenSize, encoderHiddenSize: expected.encoderHiddenSize };
    const weights = readAll(join(FIXTURE, type, 'encoder.safetensors'));
    const peft = readAll(join(FIXTURE, type, 'gradients.safetensors'));
    assert.deepEqual(
      promptEncoderParameters(settings).map(({ name, shape }) => [name, shape]).sort(),
      [...weights].map(([name, { shape }]) => [name, shape]).sort(),
      'the same tensors as PEFT',
    );

    const tensors = [...weights].map(([name, { shape, data }]) => trainableTensor(name, shape, data));
    const output = await promptEncoderOutput(settings, tensors, '');
    assert.ok(maxDifference(output, peft.get('output')!.data) < 1e-5, 'encoder output');

    const graph = new Graph({ name: 'ptuning_gradients' });
    const inputs = new Map<string, Value>(tensors.map((t) => [t.name, graph.input(t.name, 'float32', t.shape)]));
    const virtualTokens = buildPromptEncoder(settings, (name) => inputs.get(name)!);
    const lm = buildCausalLM(graph, folder.config, { parameter: initializerParameters(graph, folder.weights), virtualTokens, output: { kind: 'loss', ignoreIndex: -100 } });
    const grads = gradients(graph, lm.outputs.loss!, [...inputs.values()]);
    [...inputs.keys()].forEach((name, index) => graph.output(grads[index], `grad.${name}`));
    const session = await createSession(graph, { intraOpThreads: 1 });
    const { inputIds, attentionMask, labels } = expected.batch;
    const dims = [inputIds.length, inputIds[0].length];
    const feeds = {
      [NAMES.inputIds]: tensor('int64', dims, inputIds.flat()),
      [NAMES.attentionMask]: tensor('int64', dims, attentionMask.flat()),
      [NAMES.labels]: tensor('int64', dims, labels.flat()),
      ...Object.fromEntries(tensors.map((t) => [t.name, tensor('float32', t.shape, t.value)])),
    };
    const out = await session.run(feeds);
    await session.release();
    const loss = (out.loss.data as Float32Array)[0];
    assert.ok(Math.abs(loss - expected.types[type].loss) < 1e-5, `loss ${loss} vs PEFT's ${expected.types[type].loss}`);
    let worst = 0;
    for (const name of inputs.keys()) {
      const ours = out[`grad.${name}`].data as Float32Array;
      const theirs = peft.get(name)!.data;
      const scale = Math.max(...theirs.map(Math.abs));
      worst = Math.max(worst, maxDifference(ours, theirs) / scale);
    }
    assert.ok(worst < 1e-4, `gradients: worst difference ${worst} of the tensor's largest entry`);
    console.log(`${type} encoder vs PEFT: loss ${loss.toFixed(6)} (PEFT ${expected.types[type].loss.toFixed(6)}), gradients within ${worst.toExponential(2)} of scale`);
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
