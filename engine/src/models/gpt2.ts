// GPT-2 as transformers' modeling_gpt2 defines it (GPT2LMHeadModel): learned absolute positions added to the token
// embeddings, pre-LayerNorm blocks (LayerNorm with bias), one fused c_attn projection for q, k and v, GELU (tanh
// approximation) MLP, a final LayerNorm and the LM head tied to the token embeddings. Projections are Conv1D, whose
// weights are stored [in, out]; the linear hook sees them as [out, in] like every other projection, so LoRA and the
// other methods need no GPT-2 case (PEFT's fan_in_fan_out only changes how a delta is merged into the stored weight).
// Reads top-down: attention → MLP → block → model.
import { ops, type Graph, type Value } from '../graph';
import type { ModelConfig } from '../io/config';
import { attention as scaledDotProductAttention, geluTanh, layerNorm } from '../autodiff/composites';
import { runLayers, type KeyValues } from './layer-stack';
import { causalLMInputs, causalLMOutputs, presentOutputs } from './graph-io';
import { sequenceBias, mergeHeads, runtimeSize, splitHeads, type ComputeType } from './layers';
import { baseLinear, lmHead } from './projection';
import type { CausalLM, CausalLMOptions, LinearCall } from './types';

interface Context {
  config: ModelConfig;
  options: CausalLMOptions;
  /** Causal + padding bias shared by every layer (GPT-2 has no windows). */
  bias: Value;
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

function layerNormOf(context: Context, module: string, x: Value): Value {
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
  const attended = mergeHeads(scaledDotProductAttention(part(0), keys, values, { causal: false, mask: context.bias, scale }));
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

/** GPT2LMHeadModel: token + position embeddings, blocks, ln_f, the (tied) LM head and the requested output. */
export function buildGpt2(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  if (options.virtualTokens) throw new Error('prompt tuning is not supported for GPT-2 models yet (LoRA, QLoRA and full fine-tuning are)');
  const { parameter } = options;
  const inputs = causalLMInputs(graph, config, options);
  const { inputIds, attentionMask, positionIds, past } = inputs;

  const zero = graph.scalar(0, 'int64');
  const pastLength = past ? runtimeSize(past[0].key, 2) : zero;
  const seqLength = runtimeSize(inputIds, 1);
  const positions = positionIds ?? ops.unsqueeze(ops.add(ops.range(zero, seqLength, graph.scalar(1, 'int64'), inputIds.shape[1]), pastLength), [0]);
  const tokenEmbeddings = ops.gather(parameter('transformer.wte.weight'), inputIds, 0);
  let hidden = ops.add(tokenEmbeddings, ops.gather(parameter('transformer.wpe.weight'), positions, 0));
  const dtype = hidden.dtype as ComputeType;
  const bias = sequenceBias(options.packed, attentionMask, pastLength, seqLength, inputIds.shape[1], dtype)(null);
  const context: Context = { config, options, bias };

  const layers = runLayers(config.numLayers, hidden, (layer, x, pastOfLayer) => block(context, layer, x, pastOfLayer), { checkpointLayers: Boolean(options.checkpointLayers && !past), past });
  hidden = layerNormOf(context, 'transformer.ln_f', layers.hidden);

  const head = lmHead(options, config.tieWordEmbeddings ? 'transformer.wte.weight' : 'lm_head.weight', config.hiddenSize, config.vocabSize);
  const outputs = causalLMOutputs(graph, hidden, head, inputs, options);
  if (past) outputs.present = presentOutputs(graph, layers.present);
  return { inputs, outputs };
}
