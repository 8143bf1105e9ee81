// LoRA training on onnxruntime's bundled WebGPU provider follows the CPU's curve step for step (SwiftShader stands in
// for a GPU here), and the run records which device and adapter ran it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { train } from '../../../engine/src/train/loop';
import { useTestWebGpu } from '../../webgpu-env';
import { createFixture, type Fixture, stepLosses } from './helpers';

const { adapter, skip } = useTestWebGpu();

let fixture: Fixture;
before(() => {
  fixture = createFixture();
});
after(() => fixture.cleanup());


test('a LoRA run on WebGPU matches the CPU run within 1e-4 relative at every step, and its adapter too', { skip }, async () => {
  const steps = 20;
  const runs: Record<string, string> = {};
  for (const device of ['cpu', 'webgpu'] as const) {
    const args = fixture.args({ out: device, steps, device, seed: 3, batchSize: 4 });
    const result = await train(args);
    assert.equal(result.status, 'done', result.message);
    runs[device] = args.out;
  }
  const cpu = stepLosses(runs.cpu);
  const gpu = stepLosses(runs.webgpu);
  assert.equal(gpu.length, steps);
  assert.ok(cpu[steps - 1] < cpu[0] * 0.7, `the run learns: ${cpu[0]} → ${cpu[steps - 1]}`);
  cpu.forEach((loss, index) => {
    const relative = Math.abs(gpu[index] - loss) / Math.abs(loss);
    assert.ok(relative < 1e-4, `step ${index + 1}: cpu ${loss}, webgpu ${gpu[index]} (${relative.toExponential(2)} apart)`);
  });
  const header = (runDir: string) => readSafetensorsHeader(join(runDir, 'adapter', 'adapter_model.safetensors')).tensors;
  const [a, b] = [header(runs.cpu), header(runs.webgpu)];
  for (const [name, info] of a) {
    const x = readTensorFloat32(info);
    const y = readTensorFloat32(b.get(name)!);
    let scale = 0;
    let difference = 0;
    for (let i = 0; i < x.length; i++) {
      scale = Math.max(scale, Math.abs(x[i]));
      difference = Math.max(difference, Math.abs(x[i] - y[i]));
    }
    assert.ok(difference <= 1e-3 * scale, `${name}: max |Δ| ${difference} against max |w| ${scale}`);
  }
  const run = JSON.parse(readFileSync(join(runs.webgpu, 'run.json'), 'utf8'));
  assert.equal(run.resolved.device, 'webgpu');
  assert.equal(run.resolved.adapter, adapter);
  assert.ok(run.resolved.deviceDescription.startsWith(`device: webgpu (${adapter})`), run.resolved.deviceDescription);
});
