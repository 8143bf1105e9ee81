// config.json's sizes checked against the weights' safetensors header before anything proportional to them is
// built: the expected-tensor list grows with num_hidden_layers, so `num_hidden_layers: 10000000` used to run out of
// memory building it. The header is the ground truth the config must describe; a mismatch names the config key.
import type { ModelConfig } from './config';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import type { TensorInfo } from './safetensors';
import { embeddingWeightName, sizeKeys } from './tensor-layout';

/** The header side of a WeightStore (model-folder.ts): names and per-tensor info, no data. */
export interface WeightHeader {
  names(): string[];
  has(name: string): boolean;
  info(name: string): TensorInfo;
}

/** A decoder layer's tensors: `model.layers.N.` (Llama family) or `transformer.h.N.` (GPT-2). */
const LAYER_NAME = /^(model\.layers|transformer\.h)\.(\d+)\./;

/** Decoder layers the weights hold: one more than the highest layer index (0 when there is none). */
export function layersInWeights(names: Iterable<string>): number {
  let highest = -1;
  for (const name of names) {
    const match = LAYER_NAME.exec(name);
    if (match) highest = Math.max(highest, Number(match[2]));
  }
  return highest + 1;
}

/**
 * Refuses a config whose layer count or embedding sizes the weights contradict. Cost: one pass over the tensor
 * names, whatever the config says. Finer checks (every tensor's shape) follow in model-folder.ts once this holds.
 */
export function checkConfigSizes(config: ModelConfig, weights: WeightHeader, configFile: string): void {
  const layers = layersInWeights(weights.names());
  const keys = sizeKeys(config);
  if (config.numLayers > layers) {
    const prefix = config.arch === 'gpt2' ? 'transformer.h' : 'model.layers';
    const held = layers === 0 ? 'no decoder layers' : `${layers} layer${layers === 1 ? '' : 's'} (${prefix}.0 to ${prefix}.${layers - 1})`;
    throw new ModelFileError('bad-config', configFile, `${keys.layers} is ${config.numLayers} but the weights hold ${held}`, { key: keys.layers });
  }
  const embeddingName = embeddingWeightName(config);
  if (!weights.has(embeddingName)) return; // reported as a missing tensor by the full check
  const embedding = weights.info(embeddingName);
  const [rows, columns] = embedding.shape;
  const where = `${embeddingName} is [${embedding.shape.join(', ')}] in ${embedding.file}`;
  if (embedding.shape.length === 2 && columns !== config.hiddenSize) {
    throw new ModelFileError('bad-config', configFile, `${keys.hidden} is ${config.hiddenSize} but ${where}`, { key: keys.hidden });
  }
  if (embedding.shape.length === 2 && rows !== config.vocabSize) {
    throw new ModelFileError('bad-config', configFile, `vocab_size is ${config.vocabSize} but ${where}`, { key: 'vocab_size' });
  }
}
