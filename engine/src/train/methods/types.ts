// What a fine-tuning method decides: which tensors train (and their initial values), how they enter the forward
// graph (the model builder's hooks, engine/src/models/README.md), and what the run writes at the end.
import type { PeftAdapter } from '../../adapters/peft';
import type { Graph, Value } from '../../graph';
import type { ModelFolder } from '../../io/model-folder';
import type { LinearHook } from '../../models/types';
import type { TrainableTensor } from '../checkpoint';
import type { RunFolder } from '../../run-folder/run-folder';

export interface MethodHooks {
  /** The Value of a weight by its transformers name (trainable ones are graph inputs). */
  parameter: (name: string) => Value;
  linear?: LinearHook;
  /** Prompt tuning and P-tuning: [virtual tokens, hidden] placed before the token embeddings. */
  virtualTokens?: Value;
  /** Prefix tuning: per layer, the keys and values every position attends to first (models/prefix.ts). */
  prefix?: { key: Value; value: Value }[];
}

export interface InferenceView {
  folder: ModelFolder;
  adapter?: PeftAdapter;
}

export interface MethodPlan {
  /** Trainable tensors in a fixed order, named as their graph inputs; moments start at zero. */
  trainable: TrainableTensor[];
  /** ORT session config entries the step graph needs (QLoRA: the MatMulNBits accuracy level). */
  sessionConfig?: Record<string, unknown>;
  /** Folder under the run directory the result goes to. */
  outputFolder: 'adapter' | 'model';
  /**
   * Wires the method into a graph: declares the trainable tensors as inputs (returned by name) and returns the
   * builder hooks. `frozen(name)` gives the base weight as an initializer.
   */
  attach(graph: Graph, frozen: (name: string) => Value): { hooks: MethodHooks; inputs: Map<string, Value> };
  /** Writes adapter/ or model/ from the current trainable values; returns the folder (async where it runs a graph). */
  exportTo(run: RunFolder, model: ModelFolder): string | Promise<string>;
  /** The model as it stands now, for generating samples: the base with an in-memory adapter, or replaced weights. */
  inferenceView(model: ModelFolder): InferenceView | Promise<InferenceView>;
}

/** A zeroed trainable tensor with its AdamW moments. */
export function trainableTensor(name: string, shape: number[], value: Float32Array): TrainableTensor {
  return { name, shape, value, firstMoment: new Float32Array(value.length), secondMoment: new Float32Array(value.length) };
}
