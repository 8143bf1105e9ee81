// Gemma 2 and Gemma 3 (text) as transformers' modeling_gemma2 / modeling_gemma3 define them: a Llama shape (q/k/v/o,
// gate/up/down, rotate-half RoPE, GQA) with embeddings scaled by √hidden, (1 + w) RMSNorms before and after both the
// attention and the MLP, attention scores scaled by query_pre_attn_scalar^-½, a sliding window on the layers
// layer_types marks (alternating for Gemma 2, five in six for Gemma 3), a GeGLU MLP (gelu-tanh gate) and tied
// embeddings. Gemma 2 soft-caps (tanh) attention scores and final logits; Gemma 3 instead norms q and k per head and
// gives its sliding layers their own RoPE base (rope_local_base_freq).
// Reads top-down: attention → MLP → block → model.
import { ops, type Graph, type Value } from '../graph';
import { layerWindow, ropeInverseFrequencies, type GemmaSettings, type ModelConfig } from '../io/config';
import { attention as scaledDotProductAttention, geluTanh, rmsNorm, rotary } from '../autodiff/composites';
import type { KeyValues } from './layer-stack';
import { buildDecoder } from './decoder';
import { mergeHeads, rotaryTables, splitHeads } from './layers';
import { linear, lmHead } from './projection';
import type { CausalLM, CausalLMOptions } from './types';

interface Context {
  config: ModelConfig;
  gemma: GemmaSettings;
  options: CausalLMOptions;
  /** The attention bias of a layer: windowed on the sliding layers. */
  bias: (layer: number) => Value;
  /** The rotary tables of a layer: Gemma 3's sliding layers have their own. */
  rotaryTables: (layer: number) => { cos: Value; sin: Value };
}


/** Gemma's RMSNorm scales by (1 + weight): its weights are stored as offsets from one. */
function gemmaNorm(context: Pick<Context, 'config' | 'options'>, name: string, x: Value): Value {
  return rmsNorm(x, ops.add(context.options.parameter(`${name}.weight`), 1), context.config.rmsNormEps);
}

/** tanh(x / cap) · cap: keeps logits within ±cap smoothly (attention scores, final logits). */
export function softcap(x: Value, cap: number): Value {
  return ops.mul(ops.tanh(ops.mul(x, 1 / cap)), cap);
}

/** Gemma2Attention / Gemma3Attention: Llama attention scaled by query_pre_attn_scalar^-½, soft-capped (2) or with q/k norms (3). */
function attention(context: Context, layer: number, x: Value, past?: KeyValues): { output: Value } & KeyValues {
  const { config, gemma, options } = context;
  const { hiddenSize, numHeads, numKvHeads, headDim } = config;
  const module = `model.layers.${layer}.self_attn`;
  const project = (name: string, heads: number) => splitHeads(linear(options, `${module}.${name}`, x, hiddenSize, heads * headDim, config.qkvBias), heads, headDim);
  const headNorm = (name: string, heads: Value) => (config.qkNorm ? gemmaNorm(context, `${module}.${name}`, heads) : heads);
  const { cos, sin } = context.rotaryTables(layer);
  const q = rotary(headNorm('q_norm', project('q_proj', numHeads)), cos, sin);
  const k = rotary(headNorm('k_norm', project('k_proj', numKvHeads)), cos, sin);
  const v = project('v_proj', numKvHeads);
  const keys = past ? ops.concat([past.key, k], 2) : k;
  const values = past ? ops.concat([past.value, v], 2) : v;
  const attended = mergeHeads(
    scaledDotProductAttention(q, keys, values, {
      causal: false,
      mask: context.bias(layer),
      scale: 1 / Math.sqrt(gemma.queryPreAttentionScalar),
      softcap: gemma.attentionSoftcap ?? undefined,
    }),
  );
  return { output: linear(options, `${module}.o_proj`, attended, numHeads * headDim, hiddenSize, config.outputBias), key: keys, value: values };
}

/** Gemma2MLP (GeGLU): down(gelu_tanh(gate(x)) · up(x)). */
function mlp(context: Context, prefix: string, x: Value): Value {
  const { hiddenSize, intermediateSize } = context.config;
  const { options } = context;
  const gate = linear(options, `${prefix}.mlp.gate_proj`, x, hiddenSize, intermediateSize, false);
  const up = linear(options, `${prefix}.mlp.up_proj`, x, hiddenSize, intermediateSize, false);
  return linear(options, `${prefix}.mlp.down_proj`, ops.mul(geluTanh(gate), up), intermediateSize, hiddenSize, false);
}

/** Gemma2DecoderLayer: x + post_norm(attn(input_norm(x))), then + post_ff_norm(mlp(pre_ff_norm(·))). */
function block(context: Context, layer: number, x: Value, past?: KeyValues): { output: Value } & KeyValues {
  const prefix = `model.layers.${layer}`;
  const attended = attention(context, layer, gemmaNorm(context, `${prefix}.input_layernorm`, x), past);
  const afterAttention = ops.add(x, gemmaNorm(context, `${prefix}.post_attention_layernorm`, attended.output));
  const fed = mlp(context, prefix, gemmaNorm(context, `${prefix}.pre_feedforward_layernorm`, afterAttention));
  const output = ops.add(afterAttention, gemmaNorm(context, `${prefix}.post_feedforward_layernorm`, fed));
  return { output, key: attended.key, value: attended.value };
}

/**
 * The scale of Gemma's embedding module (Gemma2/Gemma3TextScaledWordEmbedding: √hidden, rounded to the weights' dtype,
 * float32 here); 1 for every other family. Only what passes that module is scaled: PEFT's virtual tokens are not, its
 * TEXT init (the module's output for the text's tokens) is.
 */
export function tokenEmbeddingScale(config: ModelConfig): number {
  return config.gemma ? Math.fround(Math.sqrt(config.hiddenSize)) : 1;
}

/** Gemma2ForCausalLM / Gemma3ForCausalLM: scaled embeddings, decoder layers, final (1 + w) norm, tied LM head (soft-capped logits). */
export function buildGemma(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  const gemma = config.gemma!;
  const { parameter } = options;
  const head = lmHead(options, config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', config.hiddenSize, config.vocabSize);
  const { finalSoftcap } = gemma;
  const globalFrequencies = ropeInverseFrequencies(config);
  const localFrequencies = gemma.localRope ? ropeInverseFrequencies({ headDim: config.headDim, ...gemma.localRope }) : null;
  return buildDecoder(graph, config, options, {
    embed: (inputIds) => ops.mul(ops.gather(parameter('model.embed_tokens.weight'), inputIds, 0), tokenEmbeddingScale(config)),
    layers: (positions, bias, dtype) => {
      const global = rotaryTables(positions, globalFrequencies, dtype);
      const local = localFrequencies ? rotaryTables(positions, localFrequencies, dtype) : global;
      const tablesOf = (layer: number) => (layerWindow(config, layer) === null ? global : local);
      const context: Context = { config, gemma, options, bias, rotaryTables: tablesOf };
      return (layer, x, past) => block(context, layer, x, past);
    },
    norm: (hidden) => gemmaNorm({ config, options }, 'model.norm', hidden),
    head: finalSoftcap === null ? head : (x) => softcap(head(x), finalSoftcap),
  });
}
