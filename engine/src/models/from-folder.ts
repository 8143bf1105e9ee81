// A loaded model folder (and optionally a PEFT adapter: LoRA merged into the weights, prompt tuning's virtual
// tokens or prefix tuning's keys and values as constants) → an inference graph.
// Score, generate and the golden tests build through here; training builds through the hooks directly.
import { Graph } from '../graph';
import { adaptWeight, type PeftAdapter } from '../adapters/peft';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import type { ModelFolder } from '../io/model-folder';
import { isStoredInOut } from '../io/tensor-layout';
import { initializerParameters } from './parameters';
import { prefixKeyValues, prefixWidth } from './prefix';
import { buildCausalLM } from './registry';
import type { CausalLM, OutputSpec } from './types';

export interface InferenceGraphOptions {
  output: OutputSpec;
  kvCache?: boolean;
  positionIds?: 'input' | 'range';
  adapter?: PeftAdapter;
  name?: string;
}

export function buildInferenceGraph(folder: ModelFolder, options: InferenceGraphOptions): { graph: Graph; model: CausalLM } {
  const graph = new Graph({ name: options.name ?? 'causal_lm' });
  const adapter = options.adapter;
  if (adapter) checkAdapterFits(folder, adapter);
  const parameter = initializerParameters(graph, folder.weights, {
    transform: adapter ? (name, data) => adaptWeight(adapter, name, data, isStoredInOut(folder.config, name)) : undefined,
  });
  // A prompt-tuning adapter's virtual tokens are constants of the inference graph.
  const prompt = adapter?.prompt;
  const virtualTokens = prompt ? graph.initializer('prompt_embeddings', 'float32', [prompt.numVirtualTokens, prompt.tokenDim], prompt.embeddings) : undefined;
  // A prefix-tuning adapter's keys and values too.
  const table = adapter?.prefix;
  const prefix = table ? prefixKeyValues(graph.initializer('prefix_embeddings', 'float32', [table.numVirtualTokens, prefixWidth(folder.config)], table.embeddings), folder.config) : undefined;
  const model = buildCausalLM(graph, folder.config, { parameter, output: options.output, kvCache: options.kvCache, positionIds: options.positionIds, virtualTokens, prefix });
  return { graph, model };
}

/** Every adapted module must be a projection of this model with the adapter's sizes (a wrong base is caught here). */
export function checkAdapterFits(folder: ModelFolder, adapter: PeftAdapter): void {
  const file = `${adapter.dir}/adapter_model.safetensors`;
  if (adapter.prompt && adapter.prompt.tokenDim !== folder.config.hiddenSize) {
    throw new ModelFileError('wrong-shape', file, `prompt embeddings are ${adapter.prompt.tokenDim} wide but the model's hidden size is ${folder.config.hiddenSize} (adapter for another base model?)`, { tensor: 'prompt_embeddings' });
  }
  const prefix = adapter.prefix;
  const { numLayers, numKvHeads, headDim } = folder.config;
  if (prefix && (prefix.numLayers !== numLayers || prefix.kvHeads !== numKvHeads || prefix.kvDim !== numKvHeads * headDim)) {
    throw new ModelFileError('wrong-shape', file, `the prefix is for ${prefix.numLayers} layers of ${prefix.kvHeads} key/value heads × ${prefix.kvDim / prefix.kvHeads} but the model has ${numLayers} layers of ${numKvHeads} × ${headDim} (adapter for another base model, or saved by a PEFT without per-KV-head prefixes?)`, { tensor: 'prompt_embeddings' });
  }
  for (const lora of adapter.modules.values()) {
    const weightName = `${lora.module}.weight`;
    const tied = lora.module === 'lm_head' && folder.config.tieWordEmbeddings;
    if (tied) throw new ModelFileError('unsupported-feature', file, 'the adapter targets lm_head, which this model ties to its input embeddings (tie_word_embeddings): its delta cannot be merged into the shared weight without changing the embeddings too (PEFT\'s merge_and_unload does that, with a warning); untie the base first (tie_word_embeddings false, lm_head.weight a copy of the embeddings) or train without lm_head', { tensor: `base_model.model.${lora.module}.lora_A.weight` });
    if (!folder.weights.has(weightName)) {
      throw new ModelFileError('missing-tensor', file, `the adapter targets '${lora.module}', which the model at ${folder.dir} does not have`, { tensor: `base_model.model.${lora.module}.lora_A.weight` });
    }
    const shape = folder.weights.info(weightName).shape;
    const [out, inFeatures] = isStoredInOut(folder.config, weightName) ? [shape[1], shape[0]] : shape;
    if (out !== lora.outFeatures || inFeatures !== lora.inFeatures) {
      throw new ModelFileError('wrong-shape', file, `adapter is [${lora.outFeatures}, ${lora.inFeatures}] for '${lora.module}' but the model's weight is [${out}, ${inFeatures}] (adapter for another base model?)`, { tensor: `base_model.model.${lora.module}.lora_B.weight` });
    }
  }
}
