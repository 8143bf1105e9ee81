// ModelConfig: one normalised description of a causal LM's config.json, whatever its family (config.ts reads the
// Llama-shaped ones, gpt2-config.ts GPT-2's); the types only, so each reader can import them without a circle.

export type Arch = 'llama' | 'qwen2' | 'qwen3' | 'gpt2' | 'gemma2' | 'gemma3_text' | 'phi3';

export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  /** Phi-3.5 / Phi-4-mini: per-pair divisors, short within originalMaxPositionEmbeddings, long beyond; cos/sin × attentionFactor. */
  | { type: 'longrope'; shortFactor: number[]; longFactor: number[]; originalMaxPositionEmbeddings: number; attentionFactor: number };

export interface ModelConfig {
  arch: Arch;
  modelType: string;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** The norms' epsilon: rms_norm_eps (GPT-2: layer_norm_epsilon of its LayerNorms). */
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  /** Per layer, whether it applies RoPE (SmolLM3's no_rope_layers: 1 rotates, 0 is a NoPE layer); null: every layer. */
  ropeLayers: readonly boolean[] | null;
  /** The leading dims of each head that RoPE rotates (Phi-3's partial_rotary_factor · head_dim); the rest pass. */
  rotaryDim: number;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  /** Bias on q_proj, k_proj, v_proj (always for Qwen2; attention_bias for the others). */
  qkvBias: boolean;
  /** Bias on o_proj (attention_bias for Llama/Mistral/Qwen3; never for Qwen2). */
  outputBias: boolean;
  /** RMSNorm over each head of q and k before RoPE (Qwen3). */
  qkNorm: boolean;
  /** Attention window when some layer uses one (Mistral: every layer; Qwen2/Qwen3: see slidingLayers). */
  slidingWindow: number | null;
  /**
   * Which decoder layers attend through the window: per layer from transformers' layer_types ('sliding_attention'),
   * else every layer from `from` on (0 for Mistral, max_window_layers for Qwen2). Never a list as long as
   * num_hidden_layers from the config alone: that count is only checked against the weights later.
   */
  slidingLayers: readonly boolean[] | { from: number };
  /** GPT-2 only (engine/src/models/gpt2.ts). */
  gpt2?: Gpt2Settings;
  /** Gemma 2 and Gemma 3 text only (engine/src/models/gemma.ts). */
  gemma?: GemmaSettings;
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  /** torch_dtype (or dtype) as declared, e.g. 'bfloat16'; informative only. */
  torchDtype: string | null;
}

export interface Gpt2Settings {
  /** scale_attn_weights: divide attention scores by √head_dim. */
  scaleAttentionWeights: boolean;
  /** scale_attn_by_inverse_layer_idx: also divide layer i's scores by i + 1. */
  scaleAttentionByInverseLayer: boolean;
}

export interface GemmaSettings {
  /** query_pre_attn_scalar: attention scores are scaled by its inverse square root (not head_dim's). */
  queryPreAttentionScalar: number;
  /** attn_logit_softcapping: scores become tanh(s / cap) · cap; null: none. */
  attentionSoftcap: number | null;
  /** final_logit_softcapping: the same on the LM head's logits. */
  finalSoftcap: number | null;
  /** Gemma 3: the sliding layers' own RoPE (rope_local_base_freq); ropeTheta/ropeScaling are the full layers'. */
  localRope: Pick<ModelConfig, 'ropeTheta' | 'ropeScaling'> | null;
}
