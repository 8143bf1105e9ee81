// A loaded model folder (and optionally a PEFT LoRA adapter, merged into the weights) → an inference graph.
// Score, generate and the golden tests build through here; training builds through the hooks directly.
import { Graph } from '../graph';
import { mergeLora, type PeftAdapter } from '../adapters/peft';
import { ModelFileError } from '../io/errors';
import type { ModelFolder } from '../io/model-folder';
import { initializerParameters } from './parameters';
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
    transform: adapter
      ? (name, data) => {
          const lora = name.endsWith('.weight') ? adapter.modules.get(name.slice(0, -'.weight'.length)) : undefined;
          return lora ? mergeLora(data, lora) : data;
        }
      : undefined,
  });
  const model = buildCausalLM(graph, folder.config, { parameter, output: options.output, kvCache: options.kvCache, positionIds: options.positionIds });
  return { graph, model };
}

/** Every adapted module must be a projection of this model with the adapter's sizes (a wrong base is caught here). */
function checkAdapterFits(folder: ModelFolder, adapter: PeftAdapter): void {
  const file = `${adapter.dir}/adapter_model.safetensors`;
  for (const lora of adapter.modules.values()) {
    const weightName = `${lora.module}.weight`;
    const tied = lora.module === 'lm_head' && folder.config.tieWordEmbeddings;
    if (tied) throw new ModelFileError('unsupported-feature', file, 'the adapter targets lm_head but the model ties it to the embeddings', { tensor: `base_model.model.${lora.module}.lora_A.weight` });
    if (!folder.weights.has(weightName)) {
      throw new ModelFileError('missing-tensor', file, `the adapter targets '${lora.module}', which the model at ${folder.dir} does not have`, { tensor: `base_model.model.${lora.module}.lora_A.weight` });
    }
    const [out, inFeatures] = folder.weights.info(weightName).shape;
    if (out !== lora.outFeatures || inFeatures !== lora.inFeatures) {
      throw new ModelFileError('wrong-shape', file, `adapter is [${lora.outFeatures}, ${lora.inFeatures}] for '${lora.module}' but the model's weight is [${out}, ${inFeatures}] (adapter for another base model?)`, { tensor: `base_model.model.${lora.module}.lora_B.weight` });
    }
  }
}
