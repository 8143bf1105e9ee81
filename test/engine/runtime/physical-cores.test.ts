// "One thread per physical core" comes from sysfs where Linux has it: SMT siblings count once, offline CPUs not at
// all, and without sysfs the choice stays ORT's.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultIntraOpThreads, sysfsPhysicalCores } from '../../../engine/src/runtime/physical-cores';
import { sessionOptionsFor } from '../../../engine/src/runtime/session-options';

function fakeCpus(cpus: Array<{ packageId: number; coreId: number } | 'offline'>): string {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-cpus-'));
  cpus.forEach((cpu, index) => {
    const topology = join(dir, `cpu${index}`, 'topology');
    mkdirSync(cpu === 'offline' ? join(dir, `cpu${index}`) : topology, { recursive: true });
    if (cpu === 'offline') return;
    writeFileSync(join(topology, 'physical_package_id'), `${cpu.packageId}\n`);
    writeFileSync(join(topology, 'core_id'), `${cpu.coreId}\n`);
  });
  mkdirSync(join(dir, 'cpufreq'));
  return dir;
}

test('SMT siblings count as one core, across packages, and offline CPUs not at all', () => {
  const dir = fakeCpus([
    { packageId: 0, coreId: 0 },
    { packageId: 0, coreId: 1 },
    { packageId: 0, coreId: 0 },
    { packageId: 0, coreId: 1 },
    { packageId: 1, coreId: 0 },
    'offline',
  ]);
  try {
    assert.equal(sysfsPhysicalCores(dir), 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a sysfs topology the thread count is left to onnxruntime', () => {
  assert.equal(sysfsPhysicalCores(join(tmpdir(), 'finetune-no-such-cpu-folder')), undefined);
  const empty = fakeCpus(['offline']);
  try {
    assert.equal(sysfsPhysicalCores(empty), undefined);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('threads 0 becomes the physical core count where it is known; an explicit count wins', () => {
  const cores = defaultIntraOpThreads();
  assert.equal(sessionOptionsFor({}).intraOpNumThreads, cores);
  assert.equal(sessionOptionsFor({ intraOpThreads: 0 }).intraOpNumThreads, cores);
  assert.equal(sessionOptionsFor({ intraOpThreads: 3 }).intraOpNumThreads, 3);
  if (process.platform === 'linux') assert.ok(cores !== undefined && cores >= 1);
});
