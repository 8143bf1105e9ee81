// Graph → session on the chosen device: inline bytes when the weights fit in one protobuf, otherwise a temporary
// model file with external data (the 2 GB limit), then device selection with fallback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { serializeModel, writeModel, type Graph } from '../graph';
import { createSessionOnDevice, type DeviceName, type DeviceSession } from './devices';
import { sessionOptionsFor, type RuntimeOptions } from './session-options';
import { webgpuCpuNodes } from './webgpu-placement';

const INLINE_LIMIT_BYTES = 1.8 * 1024 ** 3;

export interface GraphSessionOptions {
  device?: DeviceName;
  runtime?: RuntimeOptions;
  /** ORT session config entries, e.g. { session: { qdq_matmulnbits_accuracy_level: '0' } }. */
  extra?: Record<string, unknown>;
}

/** ORT's `extra` is { section: { key: value } }: sections merge, the caller's entries win. */
function mergeExtra(base: Record<string, unknown> | undefined, extra: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!base || !extra) return extra ?? base;
  const merged: Record<string, unknown> = { ...base };
  for (const [section, entries] of Object.entries(extra)) merged[section] = { ...(merged[section] as object | undefined), ...(entries as object) };
  return merged;
}

export async function openGraphSession(graph: Graph, options: GraphSessionOptions = {}): Promise<DeviceSession> {
  const base = sessionOptionsFor(options.runtime);
  const extra = mergeExtra(base.extra as Record<string, unknown> | undefined, options.extra);
  const sessionOptions: ort.InferenceSession.SessionOptions = { ...base, ...(extra ? { extra } : {}) };
  const device = options.device ?? 'auto';
  const placement = { webgpuCpuNodes: webgpuCpuNodes(graph) };
  const total = graph.initializers.reduce((sum, initializer) => sum + initializer.byteLength, 0);
  if (total < INLINE_LIMIT_BYTES) return createSessionOnDevice(serializeModel(graph), device, sessionOptions, placement);
  const dir = mkdtempSync(join(tmpdir(), 'finetune-session-'));
  try {
    const modelPath = join(dir, 'model.onnx');
    writeModel(graph, modelPath, { externalData: 'always' });
    return await createSessionOnDevice(modelPath, device, sessionOptions, placement);
  } finally {
    // ORT may keep the external data mapped (weights read in place); where a mapped file cannot be removed
    // (Windows), the temporary folder stays rather than failing a session that opened.
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // left for the OS's temp cleanup
    }
  }
}
