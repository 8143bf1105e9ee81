// The Llama family as transformers' modeling_llama / modeling_qwen2 / modeling_qwen3 / modeling_smollm3 define it:
// Llama, Mistral, SmolLM, TinyLlama (plain), Qwen2 (bias on q/k/v), Qwen3 (RMSNorm per head on q and k before RoPE),
// SmolLM3 (no RoPE on the layers config.ropeLayers marks). Reads top-down:
// config flags → attention → MLP → block → model. Building blocks live in layers.ts, output heads in heads.ts, the
// assembly every family shares (virtual tokens, prefixes, masks, cache) in decoder.ts.
import { ops, type Graph, type Value } from '../graph';
import { ropeInverseFrequencies, type ModelConfig } from '../io/config';
import { attention as scaledDotProductAttention, rmsNorm, rotary, swiglu } from '../autodiff/composites';
import { buildDecoder } from './decoder';
import { preNormBlock } from './layer-stack';
import { lmHead, linear as projection } from './projection';
import { mergeHeads, rotaryTables, splitHeads } from './layers';
import type { CausalLM, CausalLMOptions } from './types';

export { baseLinear } from './projection';

/** Per-build state the layers share: the config, hooks, and the values computed once (masks, rotary tables). */
interface Context {
  config: ModelConfig;
  options: CausalLMOptions;
  /** The attention bias of a layer (windowed or not, see layerBiases). */
  bias: (layer: number) => Value;
  cos: Value;
  sin: Value;
}

function linear(context: Context, module: string, input: Value, inFeatures: number, outFeatures: number, hasBias: boolean): Value {
  return projection(context.options, module, input, inFeatures, outFeatures, hasBias);
}

/** LlamaAttention (+ Qwen2 biases, Qwen3 q/k norms); returns the output and this step's keys/values (for the cache). */
function attention(context: Context, layer: number, x: Value, past?: { key: Value; value: Value }): { output: Value; key: Value; value: Value } {
  const { config } = context;
  const { hiddenSize, numHeads, numKvHeads, headDim } = config;
  const module = `model.layers.${layer}.self_attn`;
  let q = splitHeads(linear(context, `${module}.q_proj`, x, hiddenSize, numHeads * headDim, config.qkvBias), numHeads, headDim);
  let k = splitHeads(linear(context, `${module}.k_proj`, x, hiddenSize, numKvHeads * headDim, config.qkvBias), numKvHeads, headDim);
  const v = splitHeads(linear(context, `${module}.v_proj`, x, hiddenSize, numKvHeads * headDim, config.qkvBias), numKvHeads, headDim);
  if (config.qkNorm) {
    q = rmsNorm(q, context.options.parameter(`${module}.q_norm.weight`), config.rmsNormEps);
    k = rmsNorm(k, context.options.parameter(`${module}.k_norm.weight`), config.rmsNormEps);
  }
  // SmolLM3's NoPE layers attend without positions (the causal mask still orders them).
  if (config.ropeLayers?.[layer] !== false) {
    q = rotary(q, context.cos, context.sin);
    k = rotary(k, context.cos, context.sin);
  }
  const keys = past ? ops.concat([past.key, k], 2) : k;
  const values = past ? ops.concat([past.value, v], 2) : v;
  // Causality, padding and the window are all in the bias (it knows the past length); GQA is inside the composite.
  const attended = mergeHeads(scaledDotProductAttention(q, keys, values, { causal: false, mask: context.bias(layer) }));
  const output = linear(context, `${module}.o_proj`, attended, numHeads * headDim, hiddenSize, config.outputBias);
  return { output, key: keys, value: values };
}

/** LlamaMLP: down(silu(gate(x)) · up(x)). */
function mlp(context: Context, prefix: string, x: Value): Value {
  const { hiddenSize, intermediateSize } = context.config;
  const gate = linear(context, `${prefix}.mlp.gate_proj`, x, hiddenSize, intermediateSize, false);
  const up = linear(context, `${prefix}.mlp.up_proj`, x, hiddenSize, intermediateSize, false);
  return linear(context, `${prefix}.mlp.down_proj`, swiglu(gate, up), intermediateSize, hiddenSize, false);
}

/** LlamaDecoderLayer: pre-norm residual attention, then pre-norm residual MLP. */
function block(context: Context, layer: number, x: Value, past?: { key: Value; value: Value }): { output: Value; key: Value; value: Value } {
  const prefix = `model.layers.${layer}`;
  return preNormBlock(context.options.parameter, prefix, context.config.rmsNormEps, x, (normed) => attention(context, layer, normed, past), (normed) => mlp(context, prefix, normed));
}

/** LlamaForCausalLM: embeddings, decoder layers, final norm, LM head (the shared assembly in decoder.ts). */
export function buildLlama(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  const { parameter } = options;
  const inverseFrequencies = ropeInverseFrequencies(config);
  return buildDecoder(graph, config, options, {
    embed: (inputIds) => ops.gather(parameter('model.embed_tokens.weight'), inputIds, 0),
    layers: (positions, bias, dtype) => {
      const { cos, sin } = rotaryTables(positions, inverseFrequencies, dtype);
      const context: Context = { config, options, bias, cos, sin };
      return (layer, x, past) => block(context, layer, x, past);
    },
    norm: (hidden) => rmsNorm(hidden, parameter('model.norm.weight'), config.rmsNormEps),
    head: lmHead(options, config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', config.hiddenSize, config.vocabSize),
  });
}
