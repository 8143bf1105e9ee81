// The runtime flags every engine command shares (--device, --threads, --optimization), parsed and validated once.
import { UserError } from '../../../contracts/src/user-error';
import { DEVICE_HELP } from '../../../contracts/src/device-names';
import { DEVICE_NAMES, isDeviceName, type DeviceName } from './devices';
import type { OptimizationLevel, RuntimeOptions } from './session-options';

export const RUNTIME_FLAGS = {
  device: { type: 'string', default: 'auto' },
  threads: { type: 'string' },
  optimization: { type: 'string' },
} as const;

export const RUNTIME_HELP = `  --device NAME                       ${DEVICE_HELP}
  --threads N                         threads per operator (default: one per physical core)
  --optimization disabled|basic|extended|all   ORT graph optimisation level (default all)`;

const LEVELS: readonly OptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

export function parseRuntimeFlags(values: { device?: string; threads?: string; optimization?: string }): { device: DeviceName; runtime: RuntimeOptions } {
  const device = values.device ?? 'auto';
  if (!isDeviceName(device)) throw new UserError(`--device must be one of ${DEVICE_NAMES.join(', ')} (got '${device}')`, 'bad-flag');
  const runtime: RuntimeOptions = {};
  if (values.threads !== undefined) {
    const threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 0) throw new UserError(`--threads must be a non-negative integer (got '${values.threads}')`, 'bad-flag');
    runtime.intraOpThreads = threads;
  }
  if (values.optimization !== undefined) {
    if (!LEVELS.includes(values.optimization as OptimizationLevel)) throw new UserError(`--optimization must be one of ${LEVELS.join(', ')} (got '${values.optimization}')`, 'bad-flag');
    runtime.optimization = values.optimization as OptimizationLevel;
  }
  return { device, runtime };
}
