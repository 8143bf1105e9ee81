// Which adapter WebGPU would use, read from the installed Vulkan drivers: `auto` takes WebGPU only on a GPU, never on
// a software rasteriser; a named `--device webgpu` runs wherever Dawn finds an adapter (SwiftShader here).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Graph, ops, tensor } from '../../../engine/src/graph';
import { reasonToSkip } from '../../../engine/src/runtime/devices';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { classifyDriver, displayVendors, guessWebGpuAdapter } from '../../../engine/src/runtime/webgpu-adapter';
import { useTestWebGpu } from '../../webgpu-env';

function icdFolder(drivers: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-icd-'));
  for (const [file, library] of Object.entries(drivers)) writeFileSync(join(dir, file), JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } }));
  writeFileSync(join(dir, 'broken.json'), '{ not json');
  mkdirSync(join(dir, 'not-a-file.json'));
  return dir;
}

test('drivers are told apart by their library: GPUs from software rasterisers', () => {
  assert.deepEqual(classifyDriver('m.json', '/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0'), { manifest: 'm.json', name: 'NVIDIA', software: false, vendor: '0x10de' });
  assert.equal(classifyDriver('m.json', 'libvulkan_radeon.so').name, 'AMD (RADV)');
  assert.equal(classifyDriver('m.json', './libvk_swiftshader.so').software, true);
  assert.equal(classifyDriver('m.json', '/usr/lib/libvulkan_lvp.so').software, true);
  assert.equal(classifyDriver('m.json', 'libvulkan_acme.so').software, false);
});

const nvidiaHere = new Set(['0x10de']);
const amdHere = new Set(['0x1002']);

test('a GPU driver beside a software one makes the adapter hardware; software alone, or none, does not', () => {
  const mixed = icdFolder({ 'lvp_icd.json': '/usr/lib/libvulkan_lvp.so', 'nvidia_icd.json': 'libGLX_nvidia.so.0' });
  const software = icdFolder({ 'lvp_icd.json': '/usr/lib/libvulkan_lvp.so' });
  const empty = mkdtempSync(join(tmpdir(), 'finetune-icd-'));
  try {
    assert.deepEqual(guessWebGpuAdapter('linux', { VK_DRIVER_FILES: mixed }, nvidiaHere).kind, 'hardware');
    assert.equal(guessWebGpuAdapter('linux', { VK_DRIVER_FILES: mixed }, nvidiaHere).description, 'Vulkan: NVIDIA');
    assert.deepEqual(guessWebGpuAdapter('linux', { VK_DRIVER_FILES: software }, nvidiaHere), {
      kind: 'software',
      description: 'Vulkan: llvmpipe (software)',
      drivers: [{ manifest: join(software, 'lvp_icd.json'), name: 'llvmpipe (software)', software: true }],
    });
    // The standard folders under XDG_DATA_DIRS are searched when no override is set.
    mkdirSync(join(empty, 'vulkan', 'icd.d'), { recursive: true });
    const home = { XDG_CONFIG_HOME: join(empty, 'none'), XDG_CONFIG_DIRS: join(empty, 'none'), XDG_DATA_HOME: join(empty, 'none') };
    assert.equal(guessWebGpuAdapter('linux', { ...home, XDG_DATA_DIRS: empty }, amdHere).kind, 'none');
    writeFileSync(join(empty, 'vulkan', 'icd.d', 'radeon_icd.x86_64.json'), JSON.stringify({ ICD: { library_path: 'libvulkan_radeon.so' } }));
    assert.equal(guessWebGpuAdapter('linux', { ...home, XDG_DATA_DIRS: empty }, amdHere).description, 'Vulkan: AMD (RADV)');
    assert.equal(guessWebGpuAdapter('win32', {}).kind, 'hardware');
    // Debian's mesa-vulkan-drivers installs Intel and AMD drivers on machines with neither: without their display
    // controller on the bus they find nothing, so lavapipe is what Dawn would get.
    const mesa = icdFolder({ 'intel_icd.json': 'libvulkan_intel.so', 'radeon_icd.json': 'libvulkan_radeon.so', 'lvp_icd.json': 'libvulkan_lvp.so' });
    try {
      assert.equal(guessWebGpuAdapter('linux', { VK_DRIVER_FILES: mesa }, new Set()).description, 'Vulkan: llvmpipe (software)');
      assert.equal(guessWebGpuAdapter('linux', { VK_DRIVER_FILES: mesa }, new Set(['0x8086'])).description, 'Vulkan: Intel (ANV)');
    } finally {
      rmSync(mesa, { recursive: true, force: true });
    }
  } finally {
    for (const dir of [mixed, software, empty]) rmSync(dir, { recursive: true, force: true });
  }
});

test('display controllers are read from the PCI bus by class (bridges and other devices do not count)', () => {
  const root = mkdtempSync(join(tmpdir(), 'finetune-sysfs-'));
  try {
    const device = (name: string, cls: string, vendor: string) => {
      mkdirSync(join(root, 'sys/bus/pci/devices', name), { recursive: true });
      writeFileSync(join(root, 'sys/bus/pci/devices', name, 'class'), `${cls}\n`);
      writeFileSync(join(root, 'sys/bus/pci/devices', name, 'vendor'), `${vendor}\n`);
    };
    device('0000:00:00.0', '0x060000', '0x8086'); // host bridge
    device('0000:01:00.0', '0x030000', '0x1002'); // VGA
    device('0000:02:00.0', '0x030200', '0x10DE'); // 3D controller (data-centre GPUs)
    assert.deepEqual([...displayVendors(root)].sort(), ['0x1002', '0x10de']);
    assert.deepEqual([...displayVendors(join(root, 'missing'))], []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('auto skips a software WebGPU adapter and says so; --device webgpu runs on it and names it', { skip: useTestWebGpu().skip }, async () => {
  assert.match(reasonToSkip('webgpu') ?? '', /^only a software adapter \(Vulkan: SwiftShader \(software\)\); --device webgpu uses it$/);
  const graph = new Graph({ name: 'doubler' });
  graph.output(ops.mul(graph.input('x', 'float32', ['n']), 2), 'y');
  const automatic = await openGraphSession(graph, { device: 'auto' });
  assert.equal(automatic.device, 'cpu');
  assert.ok(automatic.skipped.some((attempt) => attempt.device === 'webgpu'));
  await automatic.session.release();
  const named = await openGraphSession(graph, { device: 'webgpu' });
  try {
    assert.equal(named.device, 'webgpu');
    assert.equal(named.adapter, 'Vulkan: SwiftShader (software)');
    const out = await named.session.run({ x: tensor('float32', [3], [1, 2, 3]) });
    assert.deepEqual([...(out.y.data as Float32Array)], [2, 4, 6]);
  } finally {
    await named.session.release();
  }
});
