// The weights of base + adapter as one model: LoRA merged as W + scale·B·A (PEFT's merge_and_unload; transposed for
// GPT-2's [in, out] Conv1D weights), tensor by tensor and only when asked for, so a large model is never held twice
// in memory.
import { checkAdapterFits } from '../models/from-folder';
import { adaptWeight, type PeftAdapter } from '../adapters/peft';
import type { ModelFolder } from '../io/model-folder';
import { isStoredInOut } from '../io/tensor-layout';

export interface MergedTensor {
  name: string;
  shape: number[];
  /** Float32 values, produced on demand. */
  read: () => Float32Array;
  /** Whether an adapter changed this tensor. */
  merged: boolean;
}

export function mergedTensors(folder: ModelFolder, adapter: PeftAdapter | undefined): MergedTensor[] {
  if (adapter) checkAdapterFits(folder, adapter);
  const unused = new Set(folder.unusedTensors);
  return folder.weights
    .names()
    .filter((name) => !unused.has(name))
    .map((name) => {
      const adapted = adapter !== undefined && ((name.endsWith('.weight') && adapter.modules.has(name.slice(0, -'.weight'.length))) || adapter.baseWeights?.has(name) === true);
      return {
        name,
        shape: [...folder.weights.info(name).shape],
        read: () => (adapted ? adaptWeight(adapter, name, folder.weights.readFloat32(name), isStoredInOut(folder.config, name)) : folder.weights.readFloat32(name)),
        merged: adapted,
      };
    });
}
