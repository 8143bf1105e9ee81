// Full fine-tuning: every weight of the model is trainable (a graph input with AdamW moments); the result is a
// complete model folder in Hugging Face layout. Tied embeddings stay one tensor (the LM head reads the embedding).
import type { Graph, Value } from '../../graph';
import type { ModelFolder, WeightStore } from '../../io/model-folder';
import { writeFullModel } from '../export';
import { runFolderPath } from '../../../../contracts/src/run/run-folder-layout';
import type { RunFolder } from '../../run-folder/run-folder';
import { trainableTensor, type MethodPlan } from './types';

export function createFullPlan(model: ModelFolder): MethodPlan {
  // Buffers that are not weights of the architecture (old rotary inv_freq tensors) are neither trained nor written.
  const unused = new Set(model.unusedTensors);
  const names = model.weights.names().filter((name) => !unused.has(name));
  const trainable = names.map((name) => trainableTensor(name, [...model.weights.info(name).shape], model.weights.readFloat32(name)));

  return {
    trainable,
    outputFolder: 'model',
    attach(graph: Graph, _frozen: (name: string) => Value) {
      const inputs = new Map<string, Value>();
      for (const tensor of trainable) inputs.set(tensor.name, graph.input(tensor.name, 'float32', tensor.shape));
      const parameter = (name: string): Value => {
        const value = inputs.get(name);
        if (!value) throw new Error(`the model asked for weight '${name}', which the model folder does not have`);
        return value;
      };
      return { hooks: { parameter }, inputs };
    },
    inferenceView(base: ModelFolder) {
      const current = new Map(trainable.map((tensor) => [tensor.name, tensor.value]));
      const stored = base.weights;
      const weights: WeightStore = {
        files: stored.files,
        names: () => stored.names(),
        has: (name) => stored.has(name),
        info: (name) => stored.info(name),
        read: (name) => (current.has(name) ? { dtype: 'float32', data: current.get(name)!.slice() } : stored.read(name)),
        readFloat32: (name) => current.get(name)?.slice() ?? stored.readFloat32(name),
      };
      return { folder: { ...base, weights } };
    },
    exportTo(run: RunFolder, _model: ModelFolder): string {
      const folder = runFolderPath(run.path, 'model');
      writeFullModel(run, folder, model.dir, trainable.map((tensor) => ({ name: tensor.name, shape: tensor.shape, data: tensor.value })));
      return folder;
    },
  };
}
