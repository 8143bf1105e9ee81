// The contract between model builders and training methods (LoRA, QLoRA, prompt tuning, full): see README.md.
import type { Value } from '../graph';

/** One projection in the model, as the linear hook sees it. */
export interface LinearCall {
  /** transformers' module name: `model.layers.0.self_attn.q_proj`, `model.layers.3.mlp.down_proj`, `lm_head`. */
  module: string;
  /** [batch, seq, in] (or [batch, in] for the last-position LM head). */
  input: Value;
  /** [out, in], as transformers stores it. */
  weight: Value;
  bias?: Value;
  inFeatures: number;
  outFeatures: number;
}

/** Wraps a projection; call `base(call)` for input·weightᵀ (+ bias), possibly with a replaced input or weight. */
export type LinearHook = (call: LinearCall, base: (call: LinearCall) => Value) => Value;

export type OutputSpec =
  | { kind: 'logits' }
  | { kind: 'last-logits' }
  | { kind: 'token-logprobs' }
  /** transformers' causal-LM loss: labels aligned with input_ids, shifted inside, -100 ignored. */
  | {
      kind: 'loss';
      reduction?: 'mean' | 'sum';
      ignoreIndex?: number;
      /** Compute the LM head and loss over this many row chunks (never the whole [tokens, vocab] logits); 1: whole. */
      chunks?: number;
    }
  /**
   * Per row, the summed log-probability of its labelled tokens (labels as for 'loss': position t predicts labels[t+1],
   * `ignoreIndex` skipped): [batch]. What preference tuning compares between chosen and rejected answers.
   */
  | { kind: 'sequence-logprobs'; ignoreIndex?: number; chunks?: number };

export interface CausalLMOptions {
  /** The Value of a weight by its transformers name (`model.layers.0.input_layernorm.weight`). */
  parameter: (name: string) => Value;
  linear?: LinearHook;
  /** Prompt tuning: [numVirtualTokens, hidden] embeddings placed before the token embeddings. */
  virtualTokens?: Value;
  /**
   * Prefix tuning: per layer, keys and values [1, numKvHeads, P, headDim] every position attends to first (models/
   * prefix.ts); the real tokens take positions P, P+1, …
   */
  prefix?: { key: Value; value: Value }[];
  output: OutputSpec;
  /** Past keys/values as inputs and present ones as outputs (generation). */
  kvCache?: boolean;
  /** 'input': a position_ids graph input; 'range' (default): past_seq + 0..seq-1 in-graph. */
  positionIds?: 'input' | 'range';
  /**
   * Sequence packing (training only: no cache, no virtual tokens or prefix): attention_mask holds each token's example
   * number within its row (1, 2, …; 0 padding) and position_ids (an input) restart at 0 for each example.
   */
  packed?: boolean;
  /**
   * Gradient checkpointing: each decoder layer keeps only its input for the backward and runs again there
   * (autodiff/composites/checkpoint.ts). Training graphs only; ignored with kvCache. Hooks must be deterministic.
   */
  checkpointLayers?: boolean;
}

export interface CausalLMInputs {
  inputIds: Value;
  attentionMask: Value;
  positionIds?: Value;
  labels?: Value;
  /** Per layer, with kvCache. */
  past?: { key: Value; value: Value }[];
}

export interface CausalLMOutputs {
  logits?: Value;
  tokenLogprobs?: Value;
  loss?: Value;
  tokenLosses?: Value;
  sequenceLogprobs?: Value;
  /** Per layer, with kvCache. */
  present?: { key: Value; value: Value }[];
}

export interface CausalLM {
  inputs: CausalLMInputs;
  outputs: CausalLMOutputs;
}

/** Graph input and output names (fixed: the runtime feeds and reads by name). */
export const NAMES = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  labels: 'labels',
  logits: 'logits',
  tokenLogprobs: 'token_logprobs',
  loss: 'loss',
  tokenLosses: 'token_losses',
  sequenceLogprobs: 'sequence_logprobs',
  pastKey: (layer: number) => `past_key_values.${layer}.key`,
  pastValue: (layer: number) => `past_key_values.${layer}.value`,
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
} as const;
