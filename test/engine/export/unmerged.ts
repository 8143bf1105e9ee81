// What the export tests compare merged folders with: base + adapter as PEFT runs it before merging (the LoRA branch
// beside each wrapped projection), the logits of a graph for one sequence, and a call of an exported KV-cache model.
import type * as ort from 'onnxruntime-node';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { createSession, Graph, ops, tensor, type Value } from '../../../engine/src/graph';
import type { ModelConfig } from '../../../engine/src/io/config';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { baseLinear } from '../../../engine/src/models/llama';
import { initializerParameters } from '../../../engine/src/models/parameters';
import { buildCausalLM } from '../../../engine/src/models/registry';
import { NAMES } from '../../../engine/src/models/types';

export const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index])), 0);

/** The logits [1, ids, vocab] of a graph with input_ids / attention_mask inputs. */
export async function logitsOf(graph: Graph, ids: readonly number[]): Promise<Float32Array> {
  const session = await createSession(graph, { intraOpThreads: 1 });
  try {
    const out = await session.run({ [NAMES.inputIds]: tensor('int64', [1, ids.length], [...ids]), [NAMES.attentionMask]: tensor('int64', [1, ids.length], ids.map(() => 1)) });
    return out.logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** y = base(x) + scale·(x·Aᵀ)·Bᵀ on every module the adapter wraps (the hook's weight is [out, in] for Conv1D too). */
export async function unmergedLogits(base: string, adapterDir: string, ids: readonly number[]): Promise<Float32Array> {
  const folder = loadModelFolder(base, { requireTokenizer: false });
  const adapter = readPeftAdapter(adapterDir);
  const graph = new Graph({ name: 'unmerged' });
  buildCausalLM(graph, folder.config, {
    parameter: initializerParameters(graph, folder.weights),
    output: { kind: 'logits' },
    linear: (call, plain) => {
      const lora = adapter.modules.get(call.module);
      if (!lora) return plain(call);
      const a: Value = graph.initializer(`${call.module}.A`, 'float32', [lora.rank, lora.inFeatures], lora.a);
      const b: Value = graph.initializer(`${call.module}.B`, 'float32', [lora.outFeatures, lora.rank], lora.b);
      return ops.add(baseLinear(call), ops.mul(ops.matmul(ops.matmul(call.input, ops.transpose(a, [1, 0])), ops.transpose(b, [1, 0])), lora.scale));
    },
  });
  return logitsOf(graph, ids);
}

/** One call of an exported KV-cache model: `chunk` at positions start…, after `past` (the previous call's outputs). */
export function runCached(session: ort.InferenceSession, config: Pick<ModelConfig, 'numLayers' | 'numKvHeads' | 'headDim'>, chunk: number[], start: number, past?: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
  const feeds: Record<string, ort.Tensor> = {
    [NAMES.inputIds]: tensor('int64', [1, chunk.length], chunk),
    [NAMES.attentionMask]: tensor('int64', [1, start + chunk.length], new Array<number>(start + chunk.length).fill(1)),
    [NAMES.positionIds]: tensor('int64', [1, chunk.length], chunk.map((_, index) => start + index)),
  };
  for (let layer = 0; layer < config.numLayers; layer++) {
    const empty = () => tensor('float32', [1, config.numKvHeads, 0, config.headDim], new Float32Array(0));
    feeds[NAMES.pastKey(layer)] = past?.[NAMES.presentKey(layer)] ?? empty();
    feeds[NAMES.pastValue(layer)] = past?.[NAMES.presentValue(layer)] ?? empty();
  }
  return session.run(feeds);
}
