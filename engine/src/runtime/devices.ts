// Execution-provider selection. ORT does not fall back by itself: a session created with an unavailable provider
// throws, so `auto` walks the platform's GPU providers in order, catches each failure, and ends on the CPU. Providers
// that cannot work here (no CUDA libraries, no GPU behind WebGPU) are skipped before trying, with a calm reason.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { guessWebGpuAdapter } from './webgpu-adapter';

import type { ConcreteDevice, DeviceName } from '../../../contracts/src/device-names';

export { DEVICE_NAMES, isDeviceName, type ConcreteDevice, type DeviceName } from '../../../contracts/src/device-names';

/** The providers `device` means on this platform, best first; `auto` always ends with the CPU. */
export function candidateDevices(device: DeviceName, platform: NodeJS.Platform = process.platform): ConcreteDevice[] {
  if (device !== 'auto') return [device];
  const gpus: ConcreteDevice[] =
    platform === 'win32' ? ['cuda', 'webgpu', 'dml'] : platform === 'darwin' ? ['webgpu', 'coreml'] : platform === 'linux' ? ['cuda', 'webgpu'] : [];
  return [...gpus, 'cpu'];
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
function bindingDir(): string {
  const packageDir = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Why `auto` should not even try `device` here, or undefined to try it. Saves a noisy library-load failure on every
 * command of a CPU-only user, and keeps `auto` off software WebGPU adapters (a named `--device webgpu` still uses one).
 */
export function reasonToSkip(device: ConcreteDevice): string | undefined {
  if (device === 'cpu') return undefined;
  const registered = ort.listSupportedBackends().some((backend) => backend.name === device);
  if (!registered) return 'not in this build of onnxruntime-node';
  if (device === 'cuda' && process.platform !== 'darwin') {
    const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    if (!existsSync(join(bindingDir(), library))) return 'CUDA provider libraries not installed (README: GPU)';
  }
  if (device === 'webgpu') {
    const adapter = guessWebGpuAdapter();
    if (adapter.kind === 'none') return 'no GPU driver found (no Vulkan driver)';
    if (adapter.kind === 'software') return `only a software adapter (${adapter.description}); --device webgpu uses it`;
  }
  return undefined;
}

/** Which adapter runs a session on `device`, for messages ("Vulkan: NVIDIA"); undefined for the CPU and the rest. */
export function adapterOf(device: ConcreteDevice): string | undefined {
  return device === 'webgpu' ? guessWebGpuAdapter().description : undefined;
}

/** Why one candidate was skipped; surfaced to the user so a silent CPU fallback is never a mystery. */
export interface DeviceAttempt {
  device: ConcreteDevice;
  error: string;
}

export interface DeviceSession {
  session: ort.InferenceSession;
  device: ConcreteDevice;
  /** The adapter behind a GPU device when it can be told ("Vulkan: NVIDIA"). */
  adapter?: string;
  /** Candidates tried before `device` and why each failed (empty when the first one worked). */
  skipped: DeviceAttempt[];
  /** How frozen 16-bit weights are held when not as float32 (narrow-weights.ts), e.g. "bfloat16, 12 MB less". */
  frozenWeights?: string;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}

/** Why a session failed on `device`, in words: Dawn's "no adapter" arrives wrapped in a C++ source location. */
function failureReason(device: ConcreteDevice, error: unknown): string {
  const line = firstLine(error);
  if (device === 'webgpu' && line.includes('Failed to get a WebGPU adapter')) {
    const guess = guessWebGpuAdapter();
    return `no WebGPU adapter could be opened (${guess.description}${guess.kind === 'none' ? ': install the GPU\'s Vulkan driver' : ''})`;
  }
  return line;
}

/** A model's bytes or file, or a function giving them for the device about to be tried (graphs rewritten per device). */
export type ModelSource = Uint8Array | string | ((device: ConcreteDevice) => Promise<Uint8Array | string>);

/**
 * Creates a session on the first device of `device`'s candidates that accepts the model. An explicit device that
 * fails is an error (the user asked for it); under `auto` failures are quiet (ORT's own log is muted while probing).
 */
export async function createSessionOnDevice(
  model: ModelSource,
  device: DeviceName,
  options: ort.InferenceSession.SessionOptions = {},
  placement: DevicePlacement = {},
): Promise<DeviceSession> {
  const candidates = candidateDevices(device);
  const skipped: DeviceAttempt[] = [];
  // A provider library that fails to load is logged by ORT's process-wide logger, not the session's; under `auto`
  // that failure is expected and reported by us, so keep the global logger to fatal messages (it takes effect when
  // ORT initialises, at the first session of the process; errors still surface as exceptions).
  if (device === 'auto' && candidates.length > 1) ort.env.logLevel = 'fatal';
  for (const candidate of candidates) {
    const probing = device === 'auto' && candidate !== 'cpu';
    const skip = probing ? reasonToSkip(candidate) : undefined;
    if (skip) {
      skipped.push({ device: candidate, error: skip });
      continue;
    }
    const provider: ort.InferenceSession.ExecutionProviderConfig =
      candidate === 'webgpu' && placement.webgpuCpuNodes?.length ? { name: 'webgpu', forceCpuNodeNames: placement.webgpuCpuNodes } : candidate;
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      ...options,
      executionProviders: [provider],
      ...(probing ? { logSeverityLevel: 4 as const } : {}),
      // Under WebGPU, ORT warns on every session that some nodes run on the CPU: shape ops by its own choice and
      // the nodes we place there on purpose (webgpu-placement.ts); errors still surface.
      ...(!probing && candidate === 'webgpu' && options.logSeverityLevel === undefined ? { logSeverityLevel: 3 as const } : {}),
    };
    try {
      const source = typeof model === 'function' ? await model(candidate) : model;
      const session =
        typeof source === 'string'
          ? await ort.InferenceSession.create(source, sessionOptions)
          : await ort.InferenceSession.create(source, sessionOptions);
      const adapter = adapterOf(candidate);
      return { session, device: candidate, skipped, ...(adapter ? { adapter } : {}) };
    } catch (error) {
      if (!probing) {
        const before = skipped.map((s) => `${s.device}: ${s.error}`).join('; ');
        throw new DeviceError(candidate, failureReason(candidate, error), before);
      }
      skipped.push({ device: candidate, error: failureReason(candidate, error) });
    }
  }
  // Unreachable: `auto` ends with the CPU, whose failure throws above.
  throw new DeviceError(device === 'auto' ? 'cpu' : device, 'no candidate device', '');
}

/** Session creation failed on a device the user named (or on the CPU, the last resort). */
export class DeviceError extends Error {
  constructor(
    readonly device: ConcreteDevice,
    readonly reason: string,
    readonly earlier: string,
  ) {
    super(`could not create an onnxruntime session on ${device}: ${reason}${earlier ? ` (earlier: ${earlier})` : ''}`);
    this.name = 'DeviceError';
  }
}

/** What the messages need of a session's device: which one ran, on which adapter, and what was skipped. */
export type DeviceOutcome = Pick<DeviceSession, 'device' | 'skipped' | 'adapter' | 'frozenWeights'>;

export function outcomeOf(session: DeviceSession): DeviceOutcome {
  return {
    device: session.device,
    skipped: session.skipped,
    ...(session.adapter ? { adapter: session.adapter } : {}),
    ...(session.frozenWeights ? { frozenWeights: session.frozenWeights } : {}),
  };
}

/** Nodes to keep on the CPU when a session runs on WebGPU (kernels that are not exact there: webgpu-placement.ts). */
export interface DevicePlacement {
  webgpuCpuNodes?: string[];
}

/** One line for the user: which device (and adapter) runs, and why the better ones did not. */
export function describeDevice(result: DeviceOutcome): string {
  const head = `device: ${result.device}${result.adapter ? ` (${result.adapter})` : ''}${result.frozenWeights ? `; frozen weights in ${result.frozenWeights}` : ''}`;
  if (result.skipped.length === 0) return head;
  return `${head}; skipped ${result.skipped.map((s) => `${s.device}: ${s.error}`).join('; ')}`;
}
