// Graph → session on the chosen device: inline bytes when the weights fit in one protobuf, otherwise a temporary
// model file with external data (the 2 GB limit), then device selection with fallback. Before WebGPU is tried the
// graph is rewritten onto ops that provider has kernels for (webgpu-kernels.ts) and serialised again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { serializeModel, writeModel, type Graph } from '../graph';
import { createSessionOnDevice, type ConcreteDevice, type DeviceName, type DeviceSession } from './devices';
import { sessionOptionsFor, type RuntimeOptions } from './session-options';
import { narrowFrozenWeights, type NarrowTarget } from './narrow-weights';
import { webgpuHasFloat16 } from './webgpu-float16';
import { useWebGpuKernels } from './webgpu-kernels';
import { webgpuCpuNodes } from './webgpu-placement';

const INLINE_LIMIT_BYTES = 1.8 * 1024 ** 3;

export interface GraphSessionOptions {
  device?: DeviceName;
  runtime?: RuntimeOptions;
  /** ORT session config entries, e.g. { session: { qdq_matmulnbits_accuracy_level: '0' } }. */
  extra?: Record<string, unknown>;
  /** Hold fp16/bf16 frozen weights in 16 bits where the device can (narrow-weights.ts): training step graphs. */
  narrowWeights?: boolean;
}

/** ORT's `extra` is { section: { key: value } }: sections merge, the caller's entries win. */
function mergeExtra(base: Record<string, unknown> | undefined, extra: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!base || !extra) return extra ?? base;
  const merged: Record<string, unknown> = { ...base };
  for (const [section, entries] of Object.entries(extra)) merged[section] = { ...(merged[section] as object | undefined), ...(entries as object) };
  return merged;
}

/** How frozen 16-bit weights can be held on `device`: CUDA and the rest keep float32 (untested there). */
async function narrowTargetOn(device: ConcreteDevice): Promise<NarrowTarget | undefined> {
  if (device === 'cpu') return 'stored';
  if (device === 'webgpu' && (await webgpuHasFloat16())) return 'float16';
  return undefined;
}

/** "bfloat16, 12 MB less": the 16-bit type the weights are held in and what that saves. */
function describeNarrowing(graph: Graph, bytes: number): string {
  // the narrowed weights are the initializers that are also graph inputs (overridable)
  const inputs = new Set(graph.inputs);
  const dtypes = new Set(graph.initializers.filter((initializer) => inputs.has(initializer.value)).map((initializer) => initializer.value.dtype));
  const size = bytes >= 1024 ** 2 ? `${Math.round(bytes / 1024 ** 2)} MB` : `${Math.round(bytes / 1024)} KB`;
  return `${[...dtypes].join(' and ')}, ${size} less`;
}

export async function openGraphSession(graph: Graph, options: GraphSessionOptions = {}): Promise<DeviceSession> {
  const base = sessionOptionsFor(options.runtime);
  const extra = mergeExtra(base.extra as Record<string, unknown> | undefined, options.extra);
  // A narrowed weight is an overridable initializer, which ORT warns about once per weight at load.
  const quiet = options.narrowWeights && base.logSeverityLevel === undefined ? { logSeverityLevel: 3 as const } : {};
  const sessionOptions: ort.InferenceSession.SessionOptions = { ...base, ...quiet, ...(extra ? { extra } : {}) };
  const device = options.device ?? 'auto';
  const placement = { webgpuCpuNodes: webgpuCpuNodes(graph) };
  const total = graph.initializers.reduce((sum, initializer) => sum + initializer.byteLength, 0);
  const inline = total < INLINE_LIMIT_BYTES;
  const dir = inline ? undefined : mkdtempSync(join(tmpdir(), 'finetune-session-'));
  let serialised: Uint8Array | string | undefined;
  let files = 0;
  let narrowedBytes = 0;
  // The rewrites keep the values, so a later CPU fallback may run a graph rewritten for WebGPU.
  const modelFor = async (candidate: ConcreteDevice): Promise<Uint8Array | string> => {
    if (candidate === 'webgpu' && useWebGpuKernels(graph) > 0) serialised = undefined;
    const narrowing = options.narrowWeights ? await narrowTargetOn(candidate) : undefined;
    const bytes = narrowing ? narrowFrozenWeights(graph, narrowing) : 0;
    if (bytes > 0) serialised = undefined;
    narrowedBytes += bytes;
    if (serialised !== undefined) return serialised;
    if (!dir) return (serialised = serializeModel(graph));
    const modelPath = join(dir, `model-${++files}.onnx`);
    writeModel(graph, modelPath, { externalData: 'always' });
    return (serialised = modelPath);
  };
  try {
    const opened = await createSessionOnDevice(modelFor, device, sessionOptions, placement);
    return narrowedBytes > 0 ? { ...opened, frozenWeights: describeNarrowing(graph, narrowedBytes) } : opened;
  } finally {
    // ORT may keep the external data mapped (weights read in place); where a mapped file cannot be removed
    // (Windows), the temporary folder stays rather than failing a session that opened.
    try {
      if (dir) rmSync(dir, { recursive: true, force: true });
    } catch {
      // left for the OS's temp cleanup
    }
  }
}
