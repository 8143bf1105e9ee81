// The Llama family as transformers' modeling_llama / modeling_qwen2 / modeling_qwen3 / modeling_smollm3 define it:
// Llama, Mistral, SmolLM, TinyLlama (plain), Qwen2 (bias on q/k/v), Qwen3 (RMSNorm per head on q and k before RoPE),
// SmolLM3 (no RoPE on the layers config.ropeLayers marks). Reads top-down:
// config flags → attention → MLP → block → model. Building blocks live in layers.ts, output heads in heads.ts.
import { ops, type Graph, type Value } from '../graph';
import { ropeInverseFrequencies, type ModelConfig } from '../io/config';
import { attention as scaledDotProductAttention, rmsNorm, rotary, swiglu } from '../autodiff/composites';
import { runLayers } from './layer-stack';
import { causalLMInputs, causalLMOutputs } from './graph-io';
import { lmHead, linear as projection } from './projection';
import { attentionBias, layerBiases, sequenceBias, mergeHeads, rotaryTables, runtimeSize, splitHeads, type ComputeType } from './layers';
import { NAMES, type CausalLM, type CausalLMOptions } from './types';

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
  const { parameter } = context.options;
  const eps = context.config.rmsNormEps;
  const attended = attention(context, layer, rmsNorm(x, parameter(`${prefix}.input_layernorm.weight`), eps), past);
  const afterAttention = ops.add(x, attended.output);
  const output = ops.add(afterAttention, mlp(context, prefix, rmsNorm(afterAttention, parameter(`${prefix}.post_attention_layernorm.weight`), eps)));
  return { output, key: attended.key, value: attended.value };
}

/**
 * Virtual tokens for the KV-cache graph: their keys and values depend on the weights only (they come first and
 * attend only to each other), so they are computed by a P-token forward from constants (ORT's constant folding can
 * precompute it) and put before the past of every layer; real tokens sit at positions P, P+1, … as in training.
 */
function virtualPrefix(
  graph: Graph,
  config: ModelConfig,
  options: CausalLMOptions,
  virtualTokens: Value,
  inputIds: Value,
  past: { key: Value; value: Value }[] | undefined,
): { past: { key: Value; value: Value }[]; ones: Value; count: Value; length: number } {
  const length = virtualTokens.shape[0] as number;
  const dtype = virtualTokens.dtype as ComputeType;
  const zero = graph.scalar(0, 'int64');
  const count = graph.scalar(length, 'int64');
  const positions = graph.constant('int64', [1, length], Array.from({ length }, (_, index) => index));
  const { cos, sin } = rotaryTables(positions, ropeInverseFrequencies(config), dtype);
  const allVisible = graph.constant('int64', [1, length], new Array<number>(length).fill(1));
  const bias = layerBiases(config, (window) => attentionBias(allVisible, zero, count, length, window, dtype));
  const context: Context = { config, options, bias, cos, sin };
  let hidden = ops.unsqueeze(virtualTokens, [0]);
  const entries: { key: Value; value: Value }[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const result = block(context, layer, hidden);
    hidden = result.output;
    entries.push({ key: result.key, value: result.value });
  }
  return cachedPrefix(graph, config, entries, inputIds, past);
}

/**
 * Keys and values [1, kvHeads, P, headDim] per layer that every sequence attends to first (prompt tuning's virtual
 * tokens, prefix tuning's prefixes): expanded over the batch and put before the past; `ones` extends the attention
 * mask over them; the real tokens sit at positions P, P+1, … (the cache length, as in transformers).
 */
function cachedPrefix(
  graph: Graph,
  config: ModelConfig,
  entries: { key: Value; value: Value }[],
  inputIds: Value,
  past: { key: Value; value: Value }[] | undefined,
): { past: { key: Value; value: Value }[]; ones: Value; count: Value; length: number } {
  const length = entries[0].key.shape[2] as number;
  const batch = ops.shapeOf(inputIds, 0, 1);
  const cacheShape = ops.concat([batch, graph.int64s([config.numKvHeads, length, config.headDim])], 0);
  const expand = (x: Value) => ops.expand(x, cacheShape, ['batch', config.numKvHeads, length, config.headDim]);
  const prefixPast = entries.map((entry, layer) => {
    const key = expand(entry.key);
    const value = expand(entry.value);
    return past ? { key: ops.concat([key, past[layer].key], 2), value: ops.concat([value, past[layer].value], 2) } : { key, value };
  });
  const ones = ops.constantOfShape(ops.concat([batch, graph.int64s([length])], 0), ['batch', length], 'int64', 1);
  return { past: prefixPast, ones, count: graph.scalar(length, 'int64'), length };
}

/** LlamaForCausalLM: embeddings (+ virtual tokens), decoder layers, final norm, LM head and the requested output. */
export function buildLlama(graph: Graph, config: ModelConfig, options: CausalLMOptions): CausalLM {
  const { parameter } = options;
  const inputs = causalLMInputs(graph, config, options);
  const { inputIds, attentionMask, positionIds, past } = inputs;
  // A packed row has no single start for virtual tokens or prefixes to stand before.
  if (options.packed && (options.virtualTokens || options.prefix)) throw new Error('sequence packing does not combine with virtual tokens or prefixes');

  // Embeddings, with prompt-tuning virtual tokens in front (always attended, positions 0..P-1).
  const embedded = ops.gather(parameter('model.embed_tokens.weight'), inputIds, 0);
  let hidden = embedded;
  let mask = attentionMask;
  // With a KV cache (or given positions) the virtual tokens enter as a cached prefix instead (virtualPrefix); prefix
  // tuning's keys and values always do.
  const virtualAsCache = options.virtualTokens && (options.kvCache || positionIds);
  const prefixed = options.prefix
    ? cachedPrefix(graph, config, options.prefix, inputIds, past)
    : virtualAsCache
      ? virtualPrefix(graph, config, options, options.virtualTokens!, inputIds, past)
      : undefined;
  if (prefixed) mask = ops.concat([prefixed.ones, attentionMask], 1);
  const layerPast = prefixed?.past ?? past;
  const virtualCount = options.virtualTokens && !prefixed ? (options.virtualTokens.shape[0] as number) : 0;
  if (options.virtualTokens && !prefixed) {
    const batch = ops.shapeOf(inputIds, 0, 1);
    const virtualShape = ops.concat([batch, graph.int64s([virtualCount, config.hiddenSize])], 0);
    const virtual = ops.expand(ops.unsqueeze(options.virtualTokens, [0]), virtualShape, ['batch', virtualCount, config.hiddenSize]);
    hidden = ops.concat([virtual, hidden], 1);
    const ones = ops.constantOfShape(ops.concat([batch, graph.int64s([virtualCount])], 0), ['batch', virtualCount], 'int64', 1);
    mask = ops.concat([ones, attentionMask], 1);
  }

  const zero = graph.scalar(0, 'int64');
  const pastLength = layerPast ? runtimeSize(layerPast[0].key, 2) : zero;
  const seqLength = runtimeSize(hidden, 1);
  const givenPositions = positionIds && prefixed ? ops.add(positionIds, prefixed.count) : positionIds;
  const positions = givenPositions ?? ops.unsqueeze(ops.add(ops.range(zero, seqLength, graph.scalar(1, 'int64'), hidden.shape[1]), pastLength), [0]);
  const dtype = hidden.dtype as ComputeType;
  const { cos, sin } = rotaryTables(positions, ropeInverseFrequencies(config), dtype);
  const bias = layerBiases(config, sequenceBias(options.packed, mask, pastLength, seqLength, hidden.shape[1], dtype));
  const context: Context = { config, options, bias, cos, sin };

  const layers = runLayers(config.numLayers, hidden, (layer, x, pastOfLayer) => block(context, layer, x, pastOfLayer), { checkpointLayers: Boolean(options.checkpointLayers && !past), past: layerPast });
  hidden = rmsNorm(layers.hidden, parameter('model.norm.weight'), config.rmsNormEps);
  if (virtualCount > 0) {
    // Drop the virtual positions; the reshape only restores the [batch, seq, hidden] label shape inference lost.
    hidden = ops.reshapeTo(ops.slice(hidden, [1], [virtualCount], [Number.MAX_SAFE_INTEGER]), ops.shapeOf(embedded), embedded.shape);
  }

  const head = lmHead(options, config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', config.hiddenSize, config.vocabSize);

  const outputs = causalLMOutputs(graph, hidden, head, inputs, options);
  if (past) {
    // The cache handed back covers the real tokens only: the virtual prefix is re-added inside every run.
    const real = (x: Value) => (prefixed ? ops.slice(x, [2], [prefixed.length], [Number.MAX_SAFE_INTEGER]) : x);
    outputs.present = layers.present.map((entry, layer) => ({
      key: graph.output(real(entry.key), NAMES.presentKey(layer)),
      value: graph.output(real(entry.value), NAMES.presentValue(layer)),
    }));
  }
  return { inputs, outputs };
}
