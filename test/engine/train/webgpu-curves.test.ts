// More training graphs on onnxruntime's bundled WebGPU provider (SwiftShader stands in for a GPU here) against the
// CPU, step for step: the other architectures' layers (GPT-2's LayerNorm, GELU-tanh and learned positions; Gemma 2's
// soft-capping, sliding window and (1 + w) norms; Phi-3's fused projections and partial rotary) and
// the DPO objective (sequence log-probs, the Softplus composite, reference log-probs fed per row).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Arch } from '../../../engine/src/io/config';
import { train } from '../../../engine/src/train/loop';
import type { TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import { useTestWebGpu } from '../../webgpu-env';
import { createFixture, FACTS, type Fixture, stepLosses } from './helpers';

const { skip } = useTestWebGpu();
const fixtures: Fixture[] = [];
after(() => fixtures.forEach((fixture) => fixture.cleanup()));

/** Runs the same arguments on the CPU and on WebGPU; every step's loss within `tolerance` relative. */
async function assertSameCurve(fixture: Fixture, overrides: Partial<TrainingArgumentsInput>, steps: number, tolerance: number): Promise<number[]> {
  const curves: Record<string, number[]> = {};
  for (const device of ['cpu', 'webgpu'] as const) {
    const args = fixture.args({ out: `${device}-${overrides.objective ?? 'sft'}`, steps, device, seed: 3, batchSize: 4, ...overrides });
    const result = await train(args);
    assert.equal(result.status, 'done', result.message);
    curves[device] = stepLosses(args.out);
  }
  curves.cpu.forEach((loss, index) => {
    const relative = Math.abs(curves.webgpu[index] - loss) / Math.abs(loss);
    assert.ok(relative < tolerance, `step ${index + 1}: cpu ${loss}, webgpu ${curves.webgpu[index]} (${relative.toExponential(2)} apart)`);
  });
  return curves.cpu;
}

for (const arch of ['gpt2', 'gemma2', 'phi3'] as Arch[]) {
  test(`a ${arch} LoRA run on WebGPU follows the CPU's curve within 1e-4 relative`, { skip }, async () => {
    const fixture = createFixture(arch);
    fixtures.push(fixture);
    const targets = { gpt2: ['c_attn', 'lm_head'], phi3: ['qkv_proj', 'o_proj', 'lm_head'] }[arch as string] ?? ['q_proj', 'v_proj', 'lm_head'];
    const cpu = await assertSameCurve(fixture, { targetModules: targets }, 10, 1e-4);
    assert.ok(cpu.at(-1)! < cpu[0], `the run learns: ${cpu[0]} → ${cpu.at(-1)}`);
  });
}

test('a DPO run on WebGPU follows the CPU curve from ln 2 within 1e-4 relative', { skip }, async () => {
  const fixture = createFixture();
  fixtures.push(fixture);
  const data = join(fixture.dir, 'pairs.jsonl');
  writeFileSync(data, FACTS.map(([question, answer], index) => JSON.stringify({ prompt: question, chosen: answer, rejected: `${FACTS[(index + 3) % FACTS.length][1]} Maybe.` })).join('\n') + '\n');
  const cpu = await assertSameCurve(fixture, { data, objective: 'dpo', lr: 1e-2 }, 6, 1e-4);
  assert.ok(Math.abs(cpu[0] - Math.LN2) < 1e-6 && cpu.at(-1)! < Math.LN2, `${cpu[0]} → ${cpu.at(-1)}`);
});
