// How many physical cores this process may use, for ORT's intra-op thread count. ORT's own default ("one per
// physical core") reads CPUID, which a VM can fill with the host's topology: on this project's 2-core AMD container
// (sysfs: two cores, one thread each; CPUID: the `ht` flag) ORT 1.30 picked ONE thread, and a training step took
// 1.9× as long as with two. Linux's sysfs describes the CPUs the guest really has, so it decides where it exists.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const CPU_DIR = '/sys/devices/system/cpu';

/** Distinct (package, core) pairs among the online CPUs in sysfs, or undefined where sysfs has no topology. */
export function sysfsPhysicalCores(cpuDir = CPU_DIR): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync(cpuDir).filter((name) => /^cpu\d+$/.test(name));
  } catch {
    return undefined;
  }
  const cores = new Set<string>();
  for (const cpu of entries) {
    try {
      const topology = `${cpuDir}/${cpu}/topology`;
      cores.add(`${readFileSync(`${topology}/physical_package_id`, 'utf8').trim()}:${readFileSync(`${topology}/core_id`, 'utf8').trim()}`);
    } catch {
      // an offline CPU has no topology folder
    }
  }
  return cores.size > 0 ? cores.size : undefined;
}

let cached: number | undefined | null = null;

/**
 * Intra-op threads for "one per core": sysfs's physical cores, capped by the CPUs this process may run on
 * (affinity, e.g. `taskset` or a container's cpuset); undefined leaves the choice to ORT (macOS, Windows).
 */
export function defaultIntraOpThreads(): number | undefined {
  if (cached === null) {
    const cores = sysfsPhysicalCores();
    cached = cores === undefined ? undefined : Math.max(1, Math.min(cores, availableParallelism()));
  }
  return cached;
}
