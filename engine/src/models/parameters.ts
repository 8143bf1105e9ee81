// Weights → graph values. Frozen weights are initializers so they live with the session (on the device) instead of
// travelling with every run; a weight used twice (tied embeddings) is one initializer.
import type { Graph, NarrowSource, Value } from '../graph';
import { float32ToBfloat16 } from '../io/dtype';
import type { WeightStore } from '../io/model-folder';

export interface InitializerOptions {
  /** Rewrites a weight before it becomes an initializer (a merged LoRA adapter, for instance). */
  transform?: (name: string, data: Float32Array, shape: readonly number[]) => Float32Array;
  /** Names served by `trainable` instead (full fine-tuning, prompt tuning). */
  trainable?: (name: string) => Value | undefined;
}

/**
 * A `parameter` function for the model builders: each weight becomes an initializer named after it, read (fp16/bf16
 * widened to float32, the graph computes in float32) only when the graph is serialised.
 */
export function initializerParameters(graph: Graph, weights: WeightStore, options: InitializerOptions = {}): (name: string) => Value {
  const created = new Map<string, Value>();
  return (name: string): Value => {
    const override = options.trainable?.(name);
    if (override) return override;
    const existing = created.get(name);
    if (existing) return existing;
    const shape = weights.info(name).shape;
    const { transform } = options;
    // Read when the graph is serialised, one tensor at a time, and not kept by the graph (see Graph.lazyInitializer).
    const load = () => (transform ? transform(name, weights.readFloat32(name), shape) : weights.readFloat32(name));
    const value = graph.lazyInitializer(name, 'float32', shape, load, transform ? undefined : narrowSource(weights, name));
    created.set(name, value);
    return value;
  };
}

/** How to read a weight stored in 16 bits as those bits (BF16 arrives widened; narrowing it back is exact). */
function narrowSource(weights: WeightStore, name: string): NarrowSource | undefined {
  const stored = weights.info(name).dtype;
  if (stored === 'F16') return { dtype: 'float16', load: () => weights.read(name).data as Uint16Array };
  if (stored === 'BF16') return { dtype: 'bfloat16', load: () => float32ToBfloat16(weights.readFloat32(name)) };
  return undefined;
}
