// The causal-LM assembly every architecture shares: graph inputs → token embeddings (+ prompt tuning's virtual tokens,
// or a cached prefix: prompt tuning under a KV cache, prefix tuning always) → positions and masks → the decoder layers
// → final norm → LM head and the requested output (+ the cache handed back). An architecture file supplies only what
// differs between families (DecoderArchitecture): its embeddings, its layers (attention, MLP, block, rotary tables)
// and its norm and head. Virtual tokens and prefixes follow PEFT + transformers on every architecture:
//   - virtual tokens go in front of the token embeddings *as the embedding module returned them* (PEFT concatenates
//     its prompt after `word_embeddings(input_ids)`; Gemma's √hidden scale lives in that module, so the virtual
//     tokens are not scaled), take positions 0..P-1 (learned positions too: transformers numbers inputs_embeds
//     0..P+T-1) and are always attended; outputs cover the real tokens only;
//   - a prefix is P cache entries per layer (no RoPE, no norm), attended before the real tokens, which take positions
//     P, P+1, … (transformers' cache position); windows and masks count indices from the first prefix entry.
import { ops, type Graph, type Value } from '../graph';
import type { ModelConfig } from '../io/config';
import { runLayers, type KeyValues, type LayerBlock } from './layer-stack';
import { causalLMInputs, causalLMOutputs, presentOutputs } from './graph-io';
import { attentionBias, layerBiases, runtimeSize, sequenceBias, type ComputeType } from './layers';
import type { CausalLM, CausalLMOptions } from './types';

/** What one family contributes to the shared assembly. */
export interface DecoderArchitecture {
  /** The token embeddings of input_ids [batch, seq, hidden] as the model's embedding module returns them (Gemma: × √hidden). */
  embed(inputIds: Value): Value;
  /** Added to the layer input at these positions [batch|1, seq] (GPT-2's learned positions); none for RoPE models. */
  positionEmbeddings?(positions: Value): Value;
  /** The decoder layer for queries at these positions [batch|1, seq], attending with `bias(layer)`. */
  layers(positions: Value, bias: (layer: number) => Value, dtype: ComputeType): LayerBlock;
  /** The final norm. */
  norm(hidden: Value): Value;
  /** The LM head (Gemma 2: soft-capped). */
  head(x: Value): Value;
}

interface Prefixed {
  /** Per layer, the prefix (expanded over the batch) followed by the given past. */
  past: KeyValues[];
  /** [batch, P] ones: the attention mask over the prefix. */
  ones: Value;
  /** P as an int64 scalar, and as a number. */
  count: Value;
  length: number;
}

/**
 * Keys and values [1, kvHeads, P, headDim] per layer that every sequence attends to first (prompt tuning's virtual
 * tokens under a cache, prefix tuning's prefixes): expanded over the batch and put before the past.
 */
function cachedPrefix(graph: Graph, config: ModelConfig, entries: readonly KeyValues[], inputIds: Value, past: KeyValues[] | undefined): Prefixed {
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

/**
 * Virtual tokens for the KV-cache graph: their keys and values depend on the weights only (they come first and attend
 * only to each other), so a P-token forward from constants computes them (ORT's constant folding can precompute it);
 * they go before every layer's past, as a prefix.
 */
function virtualPrefix(graph: Graph, config: ModelConfig, architecture: DecoderArchitecture, virtualTokens: Value, inputIds: Value, past: KeyValues[] | undefined): Prefixed {
  const length = virtualTokens.shape[0] as number;
  const dtype = virtualTokens.dtype as ComputeType;
  const positions = graph.constant('int64', [1, length], Array.from({ length }, (_, index) => index));
  const allVisible = graph.constant('int64', [1, length], new Array<number>(length).fill(1));
  const count = graph.scalar(length, 'int64');
  const bias = layerBiases(config, (window) => attentionBias(allVisible, graph.scalar(0, 'int64'), count, length, window, dtype));
  const block = architecture.layers(positions, bias, dtype);
  let hidden = ops.unsqueeze(virtualTokens, [0]);
  if (architecture.positionEmbeddings) hidden = ops.add(hidden, architecture.positionEmbeddings(positions));
  const entries: KeyValues[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const result = block(layer, hidden);
    hidden = result.output;
    entries.push({ key: result.key, value: result.value });
  }
  return cachedPrefix(graph, config, entries, inputIds, past);
}

/** A causal LM of this architecture with the options' hooks, virtual tokens or prefix, cache and output. */
export function buildDecoder(graph: Graph, config: ModelConfig, options: CausalLMOptions, architecture: DecoderArchitecture): CausalLM {
  const inputs = causalLMInputs(graph, config, options);
  const { inputIds, attentionMask, positionIds, past } = inputs;
  // A packed row has no single start for virtual tokens or prefixes to stand before.
  if (options.packed && (options.virtualTokens || options.prefix)) throw new Error('sequence packing does not combine with virtual tokens or prefixes');

  const embedded = architecture.embed(inputIds);
  let hidden = embedded;
  let mask = attentionMask;
  // With a KV cache (or given positions) the virtual tokens enter as a cached prefix (virtualPrefix); prefix tuning's
  // keys and values always do.
  const virtualAsCache = options.virtualTokens && (options.kvCache || positionIds);
  const prefixed = options.prefix
    ? cachedPrefix(graph, config, options.prefix, inputIds, past)
    : virtualAsCache
      ? virtualPrefix(graph, config, architecture, options.virtualTokens!, inputIds, past)
      : undefined;
  if (prefixed) mask = ops.concat([prefixed.ones, attentionMask], 1);
  const layerPast = prefixed?.past ?? past;
  const virtualCount = options.virtualTokens && !prefixed ? (options.virtualTokens.shape[0] as number) : 0;
  if (virtualCount > 0) {
    const batch = ops.shapeOf(inputIds, 0, 1);
    const virtualShape = ops.concat([batch, graph.int64s([virtualCount, config.hiddenSize])], 0);
    const virtual = ops.expand(ops.unsqueeze(options.virtualTokens!, [0]), virtualShape, ['batch', virtualCount, config.hiddenSize]);
    hidden = ops.concat([virtual, hidden], 1);
    const ones = ops.constantOfShape(ops.concat([batch, graph.int64s([virtualCount])], 0), ['batch', virtualCount], 'int64', 1);
    mask = ops.concat([ones, attentionMask], 1);
  }

  const zero = graph.scalar(0, 'int64');
  const pastLength = layerPast ? runtimeSize(layerPast[0].key, 2) : zero;
  const seqLength = runtimeSize(hidden, 1);
  const givenPositions = positionIds && prefixed ? ops.add(positionIds, prefixed.count) : positionIds;
  const positions = givenPositions ?? ops.unsqueeze(ops.add(ops.range(zero, seqLength, graph.scalar(1, 'int64'), hidden.shape[1]), pastLength), [0]);
  if (architecture.positionEmbeddings) hidden = ops.add(hidden, architecture.positionEmbeddings(positions));
  const dtype = hidden.dtype as ComputeType;
  const bias = layerBiases(config, sequenceBias(options.packed, mask, pastLength, seqLength, hidden.shape[1], dtype));
  const block = architecture.layers(positions, bias, dtype);

  const layers = runLayers(config.numLayers, hidden, block, { checkpointLayers: Boolean(options.checkpointLayers && !past), past: layerPast });
  hidden = architecture.norm(layers.hidden);
  if (virtualCount > 0) {
    // Drop the virtual positions; the reshape only restores the [batch, seq, hidden] label shape inference lost.
    hidden = ops.reshapeTo(ops.slice(hidden, [1], [virtualCount], [Number.MAX_SAFE_INTEGER]), ops.shapeOf(embedded), embedded.shape);
  }

  const outputs = causalLMOutputs(graph, hidden, (x) => architecture.head(x), inputs, options);
  if (past) {
    // The cache handed back covers the real tokens only: the prefix is re-added inside every run.
    const real = (x: Value) => (prefixed ? ops.slice(x, [2], [prefixed.length], [Number.MAX_SAFE_INTEGER]) : x);
    outputs.present = presentOutputs(graph, layers.present.map((entry) => ({ key: real(entry.key), value: real(entry.value) })));
  }
  return { inputs, outputs };
}
