// Prefix tuning (Li & Liang 2021; P-Tuning v2) as PEFT implements it (PREFIX_TUNING): N trainable keys and values in
// every layer, one per key/value head, that every position attends to before the real tokens (which take positions
// N, N+1, … as transformers gives them behind a cache of N); the model stays frozen. The table comes from
// methods/prefix-encoder.ts (optionally reparameterised by an MLP while training); the run saves the table, as PEFT
// does, so score/generate/eval and PeftModel.from_pretrained load it (generation's cache starts from the prefixes).
import { prefixTuningConfig, type PrefixTuningSettings } from '../../adapters/prefix';
import type { Graph, Value } from '../../graph';
import type { ModelFolder } from '../../io/model-folder';
import { prefixKeyValues, prefixWidth } from '../../models/prefix';
import { SeededRandom } from '../random';
import type { RunFolder } from '../../run-folder/run-folder';
import { initialEncoderTensors, runEncoder } from './encoder-graph';
import { buildPrefixEncoder, prefixEncoderParameters, type PrefixEncoderSettings } from './prefix-encoder';
import { writePromptAdapter } from './prompt';
import type { MethodPlan } from './types';

export interface PrefixOptions {
  virtualTokens: number;
  prefixProjection: boolean;
  /** The projection's width; default: the key/value width (PEFT's default). */
  encoderHiddenSize?: number;
  seed: number;
}

/** The prefix's tensors are named `prefix_encoder.<PEFT name>` in the step graph and checkpoints. */
const PREFIX = 'prefix_encoder.';

export function createPrefixPlan(model: ModelFolder, options: PrefixOptions): MethodPlan {
  const { config } = model;
  const kvDim = config.numKvHeads * config.headDim;
  const encoder: PrefixEncoderSettings = {
    virtualTokens: options.virtualTokens,
    kvDim,
    numLayers: config.numLayers,
    projection: options.prefixProjection,
    encoderHiddenSize: options.encoderHiddenSize ?? kvDim,
  };
  const trainable = initialEncoderTensors(prefixEncoderParameters(encoder), new SeededRandom(options.seed).fork('prefix-init'), PREFIX);
  const settings: PrefixTuningSettings = {
    baseModel: model.dir,
    numVirtualTokens: options.virtualTokens,
    tokenDim: kvDim,
    numAttentionHeads: config.numKvHeads,
    numLayers: config.numLayers,
    prefixProjection: options.prefixProjection,
    encoderHiddenSize: encoder.encoderHiddenSize,
  };
  const shape = [options.virtualTokens, prefixWidth(config)];
  // Without the projection the table is the trainable tensor itself.
  const currentTable = async () => (encoder.projection ? runEncoder(trainable, PREFIX, (weight) => buildPrefixEncoder(encoder, weight)) : trainable[0].value.slice());

  return {
    trainable,
    outputFolder: 'adapter',
    attach(graph: Graph, frozen: (name: string) => Value) {
      const inputs = new Map(trainable.map((tensor) => [tensor.name, graph.input(tensor.name, 'float32', tensor.shape)]));
      const table = buildPrefixEncoder(encoder, (name) => inputs.get(`${PREFIX}${name}`)!);
      return { hooks: { parameter: frozen, prefix: prefixKeyValues(table, config) }, inputs };
    },
    async exportTo(run: RunFolder): Promise<string> {
      return writePromptAdapter(run, prefixTuningConfig(settings), shape, await currentTable());
    },
    async inferenceView(base: ModelFolder) {
      const prefix = { numVirtualTokens: options.virtualTokens, numLayers: config.numLayers, kvDim, kvHeads: config.numKvHeads, embeddings: await currentTable() };
      return { folder: base, adapter: { dir: '(training)', modules: new Map(), prefix } };
    },
  };
}
