// Device selection with fallback, the session cache and the shared runtime flags, with the real onnxruntime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, ops, tensor } from '../../../engine/src/graph';
import { parseRuntimeFlags } from '../../../engine/src/runtime/cli-options';
import { candidateDevices, createSessionOnDevice, DeviceError, describeDevice } from '../../../engine/src/runtime/devices';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { SessionCache } from '../../../engine/src/runtime/session-cache';
import { serializeModel } from '../../../engine/src/graph';


function doubler(): Graph {
  const graph = new Graph({ name: 'doubler' });
  const x = graph.input('x', 'float32', ['n']);
  graph.output(ops.mul(x, 2), 'y');
  return graph;
}

test('auto tries the platform GPU providers in order (CUDA, then WebGPU), then the CPU', () => {
  assert.deepEqual(candidateDevices('auto', 'linux'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(candidateDevices('auto', 'win32'), ['cuda', 'webgpu', 'dml', 'cpu']);
  assert.deepEqual(candidateDevices('auto', 'darwin'), ['webgpu', 'coreml', 'cpu']);
  assert.deepEqual(candidateDevices('cuda', 'darwin'), ['cuda']);
  assert.deepEqual(candidateDevices('webgpu', 'linux'), ['webgpu']);
});

test('the device line names the adapter and why better devices were skipped', () => {
  assert.equal(describeDevice({ device: 'cpu', skipped: [] }), 'device: cpu');
  assert.equal(
    describeDevice({ device: 'webgpu', adapter: 'Vulkan: NVIDIA', skipped: [{ device: 'cuda', error: 'CUDA provider libraries not installed (README: GPU)' }] }),
    'device: webgpu (Vulkan: NVIDIA); skipped cuda: CUDA provider libraries not installed (README: GPU)',
  );
});

test('auto falls back and says why, calmly; the session it returns runs', async () => {
  const result = await openGraphSession(doubler(), { device: 'auto' });
  try {
    const candidates = candidateDevices('auto');
    assert.ok(candidates.includes(result.device));
    // Every candidate before the one that ran was tried and failed with a reason.
    assert.deepEqual(result.skipped.map((s) => s.device), candidates.slice(0, candidates.indexOf(result.device)));
    for (const attempt of result.skipped) {
      assert.ok(attempt.error.length > 0);
      // A CPU-only machine hears that the libraries are not installed, not a raw library-load failure.
      assert.doesNotMatch(attempt.error, /Failed to load shared library/);
    }
    assert.ok(describeDevice(result).includes(result.device));
    const out = await result.session.run({ x: tensor('float32', [3], [1, 2, 3]) });
    assert.deepEqual([...(out.y.data as Float32Array)], [2, 4, 6]);
  } finally {
    await result.session.release();
  }
});

test('an explicitly requested device that cannot load is an error, not a silent fallback', async () => {
  const unavailable = process.platform === 'win32' ? 'coreml' : 'dml';
  await assert.rejects(createSessionOnDevice(serializeModel(doubler()), unavailable), (error: unknown) => error instanceof DeviceError && error.device === unavailable);
  const cpu = await createSessionOnDevice(serializeModel(doubler()), 'cpu');
  assert.equal(cpu.device, 'cpu');
  assert.deepEqual(cpu.skipped, []);
  await cpu.session.release();
});

test('the session cache builds once per key and evicts the least recently used', async () => {
  const cache = new SessionCache(2);
  let builds = 0;
  const request = (key: string) => ({ key, device: 'cpu' as const, build: () => (builds++, doubler()) });
  const first = await cache.get(request('a'));
  assert.equal(await cache.get(request('a')), first);
  assert.equal(builds, 1);
  // Different runtime options are a different session.
  await cache.get({ ...request('a'), runtime: { intraOpThreads: 1 } });
  assert.equal(builds, 2);
  await cache.get(request('a')); // refresh 'a'
  await cache.get(request('b')); // evicts the threads=1 entry
  assert.equal(cache.size, 2);
  await cache.get(request('a'));
  assert.equal(builds, 3);
  await cache.get({ ...request('a'), runtime: { intraOpThreads: 1 } });
  assert.equal(builds, 4);
  await cache.clear();
  assert.equal(cache.size, 0);
});

test('runtime flags are validated', () => {
  assert.deepEqual(parseRuntimeFlags({ device: 'cpu', threads: '2', optimization: 'basic' }), { device: 'cpu', runtime: { intraOpThreads: 2, optimization: 'basic' } });
  assert.throws(() => parseRuntimeFlags({ device: 'tpu' }), { name: 'UserError', code: 'bad-flag' });
  assert.throws(() => parseRuntimeFlags({ threads: '-1' }), { name: 'UserError', code: 'bad-flag' });
  assert.throws(() => parseRuntimeFlags({ optimization: 'max' }), { name: 'UserError', code: 'bad-flag' });
});
