// Execution-provider selection. ORT does not fall back by itself: a session created with an unavailable provider
// throws, so `auto` walks the platform's GPU providers in order, catches each failure, and ends on the CPU.
import * as ort from 'onnxruntime-node';

export const DEVICE_NAMES = ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];
export type ConcreteDevice = Exclude<DeviceName, 'auto'>;

export function isDeviceName(value: string): value is DeviceName {
  return (DEVICE_NAMES as readonly string[]).includes(value);
}

/** The providers `device` means on this platform, best first; `auto` always ends with the CPU. */
export function candidateDevices(device: DeviceName, platform: NodeJS.Platform = process.platform): ConcreteDevice[] {
  if (device !== 'auto') return [device];
  const gpus: ConcreteDevice[] =
    platform === 'win32' ? ['cuda', 'dml'] : platform === 'darwin' ? ['coreml'] : platform === 'linux' ? ['cuda'] : [];
  return [...gpus, 'cpu'];
}

/** Why one candidate was skipped; surfaced to the user so a silent CPU fallback is never a mystery. */
export interface DeviceAttempt {
  device: ConcreteDevice;
  error: string;
}

export interface DeviceSession {
  session: ort.InferenceSession;
  device: ConcreteDevice;
  /** Candidates tried before `device` and why each failed (empty when the first one worked). */
  skipped: DeviceAttempt[];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 300);
}

/**
 * Creates a session on the first device of `device`'s candidates that accepts the model. An explicit device that
 * fails is an error (the user asked for it); under `auto` failures are quiet (ORT's own log is muted while probing).
 */
export async function createSessionOnDevice(
  model: Uint8Array | string,
  device: DeviceName,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<DeviceSession> {
  const candidates = candidateDevices(device);
  const skipped: DeviceAttempt[] = [];
  // A provider library that fails to load is logged by ORT's process-wide logger, not the session's; under `auto`
  // that failure is expected and reported by us, so keep the global logger to fatal messages (it takes effect when
  // ORT initialises, at the first session of the process; errors still surface as exceptions).
  if (device === 'auto' && candidates.length > 1) ort.env.logLevel = 'fatal';
  for (const candidate of candidates) {
    const probing = device === 'auto' && candidate !== 'cpu';
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      ...options,
      executionProviders: [candidate],
      ...(probing ? { logSeverityLevel: 4 as const } : {}),
    };
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      return { session, device: candidate, skipped };
    } catch (error) {
      if (!probing) {
        const before = skipped.map((s) => `${s.device}: ${s.error}`).join('; ');
        throw new DeviceError(candidate, firstLine(error), before);
      }
      skipped.push({ device: candidate, error: firstLine(error) });
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

/** One line for the user: which device runs, and why the better ones did not. */
export function describeDevice(result: Pick<DeviceSession, 'device' | 'skipped'>): string {
  if (result.skipped.length === 0) return `device: ${result.device}`;
  const reasons = result.skipped.map((s) => `${s.device} unavailable (${s.error})`).join(', ');
  return `device: ${result.device} (${reasons})`;
}
