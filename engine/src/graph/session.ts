// Creates onnxruntime-node sessions from graphs: from bytes when the model fits inline, from a temporary
// directory when it needs external data. Also converts between ORT tensors and plain typed arrays.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DType, TensorData } from './dtype';
import type { Graph } from './graph';
import { serializeModel, writeModel, type SerializeOptions } from './serialize';

export interface SessionOptions extends SerializeOptions {
  /** Execution providers in order, e.g. ['cuda', 'cpu']; default CPU. */
  executionProviders?: ort.InferenceSession.ExecutionProviderConfig[];
  intraOpThreads?: number;
  optimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Session config entries (ORT `extra`), e.g. { session: { qdq_matmulnbits_accuracy_level: '0' } }. */
  extra?: Record<string, unknown>;
  /** Force external data (testing); otherwise used only for graphs over 2 GB. */
  externalData?: boolean;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

export async function createSession(graph: Graph, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: options.executionProviders ?? ['cpu'],
    graphOptimizationLevel: options.optimizationLevel ?? 'all',
    logSeverityLevel: options.logSeverityLevel ?? 3,
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.extra ? { extra: options.extra } : {}),
  };
  const total = graph.initializers.reduce((sum, i) => sum + i.byteLength, 0);
  if (!options.externalData && total < 1.8 * 1024 ** 3) {
    return ort.InferenceSession.create(serializeModel(graph, options), sessionOptions);
  }
  // ORT resolves external data relative to the model file; the session keeps its own copy once created.
  const dir = mkdtempSync(join(tmpdir(), 'finetune-model-'));
  try {
    const modelPath = join(dir, 'model.onnx');
    writeModel(graph, modelPath, { ...options, externalData: 'always' });
    return await ort.InferenceSession.create(modelPath, sessionOptions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ortType: Partial<Record<DType, ort.Tensor.Type>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** An ORT tensor from a typed array (int64 accepts plain numbers for convenience). */
export function tensor(dtype: DType, dims: readonly number[], data: TensorData | readonly number[]): ort.Tensor {
  const type = ortType[dtype];
  if (!type) throw new Error(`onnxruntime-node has no ${dtype} tensors`);
  let array = data;
  if (Array.isArray(array)) {
    const plain = array as readonly number[];
    array =
      dtype === 'int64' ? BigInt64Array.from(plain, (v) => BigInt(v)) : dtype === 'float64' ? Float64Array.from(plain) : dtype === 'int32' ? Int32Array.from(plain) : dtype === 'bool' || dtype === 'uint8' ? Uint8Array.from(plain) : Float32Array.from(plain);
  }
  return new ort.Tensor(type, array as never, [...dims]);
}

/** Runs a session on named inputs and returns the named outputs as ORT tensors. */
export async function run(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  return (await session.run(feeds)) as Record<string, ort.Tensor>;
}
