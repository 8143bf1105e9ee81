// GPT-2 as transformers' modeling_gpt2 defines it (GPT2LMHeadModel): learned absolute positions added to the token
// embeddings, pre-LayerNorm blocks (LayerNorm with bias), one fused c_attn projection for q, k and v, GELU (tanh
// approximation) MLP, a final LayerNorm and the LM head tied to the token embeddings. Projections are Conv1D, whose
// weights are stored [in, out]; the linear hook sees them as [out, in] like every other projection, so LoRA and the
// other methods need no GPT-2 case (PEFT's fan_in_fan_out only changes how a delta is merged into the stored weight).
// Reads top-down: attention → MLP → block → model.
import { ops, type Graph, type Value } from '../graph';
import type { ModelConfig } from '../io/config';
import { attention as scaledDotProductAttention, geluTanh, layerNorm } from '../autodiff/composites';
import type { KeyValues } from './layer-stack';
import { buildDecoder } from './decoder';
import { mergeHeads, splitHeads } from './layers';
import { baseLinear, lmHead } from './projection';
import type { CausalLM, CausalLMOptions, LinearCall } from './types';

interface Context {
  config: ModelConfig;
  options: CausalLMOptions;
  /** The attention bias of a layer: causal + padding (GPT-2 has no windows). */
  bias: (layer: number) => Value;
}


/** A Conv1D module: x · W + b with W stored [in, out], handed to the hook as the [out, in] view it expects. */
function conv1d(context: Context, module: string, input: Value, inFeatures: number, outFeatures: number): Value {
  const { parameter, linear: hook } = context.options;
  const call: LinearCall = {
    module,
    input,
    weight: ops.transpose(parameter(`${module}.weight`), [1, 0]),
    bias: parameter(`${module}.bias`),
    inFeatures,
    outFeatures,
  };
  return hook ? hook(call, baseLinear) : baseLinear(call);
}

function layerNormOf(context: Pick<Context, 'config' | 'options'>, module: string, x: Value): Value {
  const { parameter } = context.options;
  return layerNorm(x, parameter(`${module}.weight`), parameter(`${module}.bias`), context.config.rmsNormEps);
}

/** GPT2Attention: c_attn gives q, k, v side by side; scores scaled by 1/√head_dim (and 1/(layer+1) if configured). */
function attention(context: Context, layer: number, x: Value, past?: KeyValues): { output: Value } & KeyValues {
  const { hiddenSize, numHeads, headDim, gpt2 } = context.config;
  const module = `transformer.h.${layer}.attn`;
  const qkv = conv1d(context, `${module}.c_attn`, x, hiddenSize, 3 * hiddenSize);
  const part = (index: number) => splitHeads(ops.slice(qkv, [2], [index * hiddenSize], [(index + 1) * hiddenSize]), numHeads, headDim);
  const keys = past ? ops.concat([past.key, part(1)], 2) : part(1);
  const values = past ? ops.concat([past.value, part(2)], 2) : part(2);
  let scale = gpt2?.scaleAttentionWeights === false ? 1 : 1 / Math.sqrt(headDim);
  if (gpt2?.scaleAttentionByInverseLayer) scale /= layer + 1;
  const attended = mergeHeads(scaledDotProductAttention(part(0), keys, values, { causal: false, mask: context.bias(layer), scale }));
  return { output: conv1d(context, `${module}.c_proj`, attended, hiddenSize, hiddenSize), key: keys, value: values };
}

/** GPT2MLP: c_proj(gelu(c_fc(x))). */
function mlp(context: Context, layer: number, x: Value): Value {
  const { hiddenSize, intermediateSize } = context.config;
  const module = `transformer.h.${layer}.mlp`;
  return conv1d(context, `${module}.c_proj`, geluTanh(conv1d(context, `${module}.c_fc`, x, hiddenSize, intermediateSize)), intermediateSize, hiddenSize);
}

/** GPT2Block: x + attn(ln_1(x)), then + mlp(ln_2(·)). */
function block(context: Context, layer: number, x: Value, past?: KeyValues): { output: Value } & KeyValues {
  const prefix = `transformer.h.${layer}`;
  const attended = attention(context, layer, layerNormOf(context, `${prefix}.ln_1`, x), past);
  const afterAttention = ops.add(x, attended.output);
  const output = ops.add(afterAttention, mlp(context, layer, layerNormOf(context, `${prefix}.ln_2`, afterAttention)));
  return { output, key: attended.key, value: attended.value };
}

/** GPT2LMHeadModel: token + position embeddings, blocks, ln_f and the (tied) LM head (the shared assembly in decoder.ts). */
export function buildGpt2(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  const { parameter } = options;
  return buildDecoder(graph, config, options, {
    embed: (inputIds) => ops.gather(parameter('transformer.wte.weight'), inputIds, 0),
    // Every input position has one, virtual tokens too (transformers numbers inputs_embeds 0..P+T-1).
    positionEmbeddings: (positions) => ops.gather(parameter('transformer.wpe.weight'), positions, 0),
    layers: (_positions, bias) => {
      const context: Context = { config, options, bias };
      return (layer, x, past) => block(context, layer, x, past);
    },
    norm: (hidden) => layerNormOf({ config, options }, 'transformer.ln_f', hidden),
    head: lmHead(options, config.tieWordEmbeddings ? 'transformer.wte.weight' : 'lm_head.weight', config.hiddenSize, config.vocabSize),
  });
}
