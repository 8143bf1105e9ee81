// QLoRA (Dettmers et al. 2023): LoRA adapters trained in float32 on top of a frozen base whose decoder projections
// are stored in 4 bits — NF4 with one absmax per 64 values as bitsandbytes does, or symmetric int4 blocks — and
// dequantised on the fly inside the step graph (engine/src/quantize). As with bitsandbytes, the embeddings, norms
// and lm_head stay in float32. The result is a plain PEFT LoRA adapter, loadable on the unquantised base.
import type { Graph, Value } from '../../graph';
import type { ModelFolder } from '../../io/model-folder';
import { expectedTensors, type ExpectedTensor } from '../../io/tensor-layout';
import { QUANTIZED_SESSION_CONFIG, quantizedBytes, quantizedWeightValue, quantizeWeight, type QuantizedTensor, type QuantType } from '../../quantize/graph';
import { createLoraPlan, type LoraOptions } from './lora';
import type { MethodPlan } from './types';

export interface QloraOptions extends LoraOptions {
  quantType: QuantType;
  blockSize?: number;
}

/**
 * The decoder's projection weights (every linear one but lm_head: q/k/v/o, gate/up/down, GPT-2's Conv1D c_*): what
 * bitsandbytes' Linear4bit replaces. A Conv1D weight is quantised as stored ([in, out]) and transposed after.
 */
function isQuantizedWeight(tensor: ExpectedTensor): boolean {
  return tensor.kind === 'linear' && tensor.name !== 'lm_head.weight';
}

export interface QuantizedBase {
  tensors: Map<string, QuantizedTensor>;
  /** Bytes of the quantised weights as stored (codes + scales), and the same weights in float32. */
  quantizedBytes: number;
  float32Bytes: number;
}

/** Quantises every decoder projection once per run; the graph (and any rebuild) reuses the codes. */
export function quantizeBase(model: ModelFolder, quantType: QuantType, blockSize = 64): QuantizedBase {
  const tensors = new Map<string, QuantizedTensor>();
  let stored = 0;
  let float32 = 0;
  const projections = new Set(expectedTensors(model.config).filter(isQuantizedWeight).map((tensor) => tensor.name));
  for (const name of model.weights.names()) {
    const shape = model.weights.info(name).shape;
    if (!projections.has(name)) continue;
    const tensor = quantizeWeight(quantType, model.weights.readFloat32(name), [shape[0], shape[1]], blockSize);
    tensors.set(name, tensor);
    stored += quantizedBytes(tensor);
    float32 += shape[0] * shape[1] * 4;
  }
  return { tensors, quantizedBytes: stored, float32Bytes: float32 };
}

/** A model builder's `parameter` that serves the quantised weights dequantised in-graph, the rest from `frozen`. */
export function quantizedParameters(graph: Graph, base: QuantizedBase, frozen: (name: string) => Value): (name: string) => Value {
  const created = new Map<string, Value>();
  return (name: string): Value => {
    const tensor = base.tensors.get(name);
    if (!tensor) return frozen(name);
    let value = created.get(name);
    if (!value) created.set(name, (value = quantizedWeightValue(graph, name, tensor)));
    return value;
  };
}

export function createQloraPlan(model: ModelFolder, options: QloraOptions): MethodPlan & { base: QuantizedBase } {
  const lora = createLoraPlan(model, options);
  const base = quantizeBase(model, options.quantType, options.blockSize);
  return {
    ...lora,
    base,
    sessionConfig: QUANTIZED_SESSION_CONFIG,
    attach(graph: Graph, frozen: (name: string) => Value) {
      return lora.attach(graph, quantizedParameters(graph, base, frozen));
    },
  };
}
