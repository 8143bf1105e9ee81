// Frozen weights of an fp16/bf16 model held in their 16 bits and widened at each use (runtime/narrow-weights.ts):
// the training step computes exactly what it computes on float32 weights, while the session holds half the bytes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveTrainingArguments, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { bfloat16AsFloat16, narrowFrozenWeights } from '../../../engine/src/runtime/narrow-weights';
import { webgpuHasFloat16 } from '../../../engine/src/runtime/webgpu-float16';
import { train } from '../../../engine/src/train/loop';
import { createLoraPlan } from '../../../engine/src/train/methods/lora';
import { buildStepGraph } from '../../../engine/src/train/step-graph';
import { float16ToFloat32 } from '../../../engine/src/io/dtype';
import { createFixture, FACTS, stepLosses, type Fixture } from '../train/helpers';
import { useTestWebGpu } from '../../webgpu-env';

const fixtures: Fixture[] = [];
after(() => fixtures.forEach((fixture) => fixture.cleanup()));

function sixteenBitFixture(dtype: 'BF16' | 'F16'): { fixture: Fixture; model: string } {
  const fixture = createFixture();
  fixtures.push(fixture);
  const model = join(fixture.dir, `model-${dtype}`);
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 1, dtype });
  return { fixture, model };
}

for (const dtype of ['BF16', 'F16'] as const) {
  test(`a ${dtype} model's LoRA run with 16-bit frozen weights is bit-for-bit the float32 run`, async () => {
    const { fixture, model } = sixteenBitFixture(dtype);
    const runs: Record<string, { losses: number[]; adapter: Buffer; device: string }> = {};
    for (const frozenWeights of ['auto', 'float32'] as const) {
      const args = fixture.args({ model, out: frozenWeights, steps: 4, frozenWeights });
      const info: string[] = [];
      const result = await train(args, { onInfo: (message) => info.push(message) });
      assert.equal(result.status, 'done', result.message);
      const device = info.find((message) => message.startsWith('device:')) ?? '';
      runs[frozenWeights] = { losses: stepLosses(args.out), adapter: readFileSync(join(args.out, 'adapter', 'adapter_model.safetensors')), device };
    }
    assert.match(runs.auto.device, new RegExp(`^device: cpu; frozen weights in ${dtype === 'BF16' ? 'bfloat16' : 'float16'}, \\d+ KB less`));
    assert.equal(runs.float32.device, 'device: cpu');
    assert.deepEqual(runs.auto.losses, runs.float32.losses);
    assert.ok(runs.auto.adapter.equals(runs.float32.adapter), 'the adapters differ');
  });
}

test('QLoRA, prompt tuning, DPO and gradient checkpointing also train bit-for-bit with 16-bit frozen weights', async () => {
  const { fixture, model } = sixteenBitFixture('BF16');
  const pairs = join(fixture.dir, 'pairs.jsonl');
  writeFileSync(pairs, FACTS.map(([question, answer], index) => JSON.stringify({ prompt: question, chosen: answer, rejected: `${FACTS[(index + 3) % FACTS.length][1]} Maybe.` })).join('\n') + '\n');
  const variants: Record<string, Partial<TrainingArgumentsInput>> = {
    qlora: { method: 'qlora' },
    prompt: { method: 'prompt', targetModules: undefined },
    dpo: { data: pairs, objective: 'dpo', lr: 1e-2 },
    checkpointing: { gradientCheckpointing: true },
  };
  for (const [name, overrides] of Object.entries(variants)) {
    const losses = [];
    for (const frozenWeights of ['auto', 'float32'] as const) {
      const args = fixture.args({ model, out: `${name}-${frozenWeights}`, steps: 3, frozenWeights, ...overrides });
      const result = await train(args);
      assert.equal(result.status, 'done', `${name}: ${result.message}`);
      losses.push(stepLosses(args.out));
    }
    assert.deepEqual(losses[0], losses[1], name);
  }
});

test('the step graph holds each frozen matrix once, in bf16, read through one widening per use', () => {
  const { fixture, model: dir } = sixteenBitFixture('BF16');
  const model = loadModelFolder(dir);
  const args = resolveTrainingArguments([{ model: dir, data: fixture.data, out: join(fixture.dir, 'graph'), method: 'lora', targetModules: ['q_proj', 'v_proj'] }]);
  const graph = buildStepGraph(model, createLoraPlan(model, { ...args, seed: 1 }), { accumulate: false });
  const frozenBytes = graph.initializers.filter((initializer) => initializer.narrow && initializer.value.rank === 2).reduce((sum, initializer) => sum + initializer.byteLength, 0);
  const saved = narrowFrozenWeights(graph, 'stored');
  const narrowed = graph.initializers.filter((initializer) => initializer.value.dtype === 'bfloat16');
  assert.equal(saved, frozenBytes / 2);
  assert.ok(narrowed.length >= 7 * model.config.numLayers, `${narrowed.length} narrowed`);
  // Overridable (also graph inputs), so ORT cannot fold the widening back into a float32 copy.
  for (const initializer of narrowed) assert.ok(graph.inputs.includes(initializer.value), initializer.value.name);
  const slices = graph.nodes.filter((node) => node.opType === 'Slice' && narrowed.some((initializer) => node.inputs[0] === initializer.value));
  const uses = new Set(slices.map((node) => node.inputs[0]));
  assert.equal(uses.size, narrowed.length);
  assert.equal(narrowFrozenWeights(graph, 'stored'), 0, 'a second pass finds nothing left to narrow');
});

test('bf16 weights become fp16 for a GPU rounded and clamped to its range', () => {
  const bits = new Uint16Array([0x3fc0, 0x47c3, 0xc9f4, 0x0000, 0x3f80]); // 1.5, 99840, -1998848, 0, 1
  assert.deepEqual([...float16ToFloat32(bfloat16AsFloat16(bits))], [1.5, 65504, -65504, 0, 1]);
});

const webgpu = useTestWebGpu();
test('the WebGPU float16 probe says no on SwiftShader (no shader-f16), so its sessions keep float32 weights', { skip: webgpu.skip || (process.env.FINETUNE_TEST_WEBGPU === 'hardware' && 'a real adapter') }, async () => {
  assert.equal(await webgpuHasFloat16(), false);
});

test('on an adapter with shader-f16, a bf16 model trains on WebGPU with fp16 weights on the CPU curve within 1e-4', { skip: webgpu.skip }, async (t) => {
  if (!(await webgpuHasFloat16())) return t.skip(`${webgpu.adapter} has no shader-f16`);
  const { fixture, model } = sixteenBitFixture('BF16');
  const curves: number[][] = [];
  for (const device of ['cpu', 'webgpu'] as const) {
    const args = fixture.args({ model, out: `fp16-${device}`, steps: 8, device, seed: 3, batchSize: 4 });
    const info: string[] = [];
    const result = await train(args, { onInfo: (message) => info.push(message) });
    assert.equal(result.status, 'done', result.message);
    if (device === 'webgpu') assert.match(info.join('\n'), /frozen weights in float16/);
    curves.push(stepLosses(args.out));
  }
  curves[0].forEach((loss, index) => assert.ok(Math.abs(curves[1][index] - loss) / loss < 1e-4, `step ${index + 1}: cpu ${loss}, webgpu fp16 ${curves[1][index]}`));
});
