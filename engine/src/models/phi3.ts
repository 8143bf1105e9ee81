// Phi-3 / Phi-3.5 / Phi-4-mini as transformers' modeling_phi3 defines them (Phi3ForCausalLM): the Llama block with q, k
// and v fused into one qkv_proj and gate/up into one gate_up_proj, RoPE on the leading rotaryDim dims of each head
// only (partial_rotary_factor) with longrope scaling where configured (Phi-3.5, Phi-4-mini), and a sliding window on
// every layer when sliding_window is set.
// Reads top-down: attention → MLP → block → model.
import { ops, type Graph, type Value } from '../graph';
import type { ModelConfig } from '../io/config';
import { attention as scaledDotProductAttention, rmsNorm, rotary, swiglu } from '../autodiff/composites';
import { preNormBlock, type KeyValues } from './layer-stack';
import { buildDecoder } from './decoder';
import { mergeHeads, ropeTables, splitHeads } from './layers';
import { linear, lmHead } from './projection';
import type { CausalLM, CausalLMOptions } from './types';

interface Context {
  config: ModelConfig;
  options: CausalLMOptions;
  bias: (layer: number) => Value;
  /** Rotary tables over the rotaryDim leading dims of a head. */
  cos: Value;
  sin: Value;
}


const END = Number.MAX_SAFE_INTEGER;

/** RoPE on the first rotaryDim dims of each head [batch, heads, seq, headDim]; the others pass unrotated. */
function partialRotary(context: Context, x: Value): Value {
  const { rotaryDim, headDim } = context.config;
  if (rotaryDim === headDim) return rotary(x, context.cos, context.sin);
  const rotated = rotary(ops.slice(x, [3], [0], [rotaryDim]), context.cos, context.sin);
  return ops.concat([rotated, ops.slice(x, [3], [rotaryDim], [END])], 3);
}

/** Phi3Attention: qkv_proj gives q (numHeads heads), then k and v (numKvHeads each), side by side. */
function attention(context: Context, layer: number, x: Value, past?: KeyValues): { output: Value } & KeyValues {
  const { config, options } = context;
  const { hiddenSize, numHeads, numKvHeads, headDim } = config;
  const module = `model.layers.${layer}.self_attn`;
  const queryWidth = numHeads * headDim;
  const kvWidth = numKvHeads * headDim;
  const qkv = linear(options, `${module}.qkv_proj`, x, hiddenSize, queryWidth + 2 * kvWidth, false);
  const part = (start: number, width: number, heads: number) => splitHeads(ops.slice(qkv, [2], [start], [start + width]), heads, headDim);
  const q = partialRotary(context, part(0, queryWidth, numHeads));
  const k = partialRotary(context, part(queryWidth, kvWidth, numKvHeads));
  const v = part(queryWidth + kvWidth, kvWidth, numKvHeads);
  const keys = past ? ops.concat([past.key, k], 2) : k;
  const values = past ? ops.concat([past.value, v], 2) : v;
  const attended = mergeHeads(scaledDotProductAttention(q, keys, values, { causal: false, mask: context.bias(layer) }));
  return { output: linear(options, `${module}.o_proj`, attended, queryWidth, hiddenSize, false), key: keys, value: values };
}

/** Phi3MLP: gate_up_proj gives gate then up; down(silu(gate) · up). */
function mlp(context: Context, prefix: string, x: Value): Value {
  const { hiddenSize, intermediateSize } = context.config;
  const gateUp = linear(context.options, `${prefix}.mlp.gate_up_proj`, x, hiddenSize, 2 * intermediateSize, false);
  const gate = ops.slice(gateUp, [2], [0], [intermediateSize]);
  const up = ops.slice(gateUp, [2], [intermediateSize], [END]);
  return linear(context.options, `${prefix}.mlp.down_proj`, swiglu(gate, up), intermediateSize, hiddenSize, false);
}

/** Phi3DecoderLayer: pre-norm residual attention, then pre-norm residual MLP (Llama's). */
function block(context: Context, layer: number, x: Value, past?: KeyValues): { output: Value } & KeyValues {
  const prefix = `model.layers.${layer}`;
  return preNormBlock(context.options.parameter, prefix, context.config.rmsNormEps, x, (normed) => attention(context, layer, normed, past), (normed) => mlp(context, prefix, normed));
}

/** Phi3ForCausalLM: embeddings, decoder layers, final norm and the LM head (the shared assembly in decoder.ts). */
export function buildPhi3(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  const { parameter } = options;
  return buildDecoder(graph, config, options, {
    embed: (inputIds) => ops.gather(parameter('model.embed_tokens.weight'), inputIds, 0),
    layers: (positions, bias, dtype) => {
      const { cos, sin } = ropeTables(positions, { ...config, headDim: config.rotaryDim }, dtype);
      const context: Context = { config, options, bias, cos, sin };
      return (layer, x, past) => block(context, layer, x, past);
    },
    norm: (hidden) => rmsNorm(hidden, parameter('model.norm.weight'), config.rmsNormEps),
    head: lmHead(options, config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', config.hiddenSize, config.vocabSize),
  });
}
