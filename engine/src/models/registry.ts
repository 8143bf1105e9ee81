// Architecture → graph builder. A new family adds one file and one line here.
import type { Graph } from '../graph';
import type { Arch, ModelConfig } from '../io/config';
import { buildGemma } from './gemma';
import { buildGpt2 } from './gpt2';
import { buildPhi3 } from './phi3';
import { buildLlama } from './llama';
import type { CausalLM, CausalLMOptions } from './types';

type Builder = (graph: Graph, config: ModelConfig, options: CausalLMOptions) => CausalLM;

const BUILDERS: Record<Arch, Builder> = {
  llama: buildLlama,
  qwen2: buildLlama,
  qwen3: buildLlama,
  gpt2: buildGpt2,
  gemma2: buildGemma,
  gemma3_text: buildGemma,
  phi3: buildPhi3,
};

export function buildCausalLM(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  const builder = BUILDERS[config.arch];
  if (!builder) throw new Error(`no graph builder for architecture '${config.arch}'`);
  return builder(graph, config, options);
}
