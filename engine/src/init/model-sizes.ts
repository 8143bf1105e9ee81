// Size presets of `finetune init-model`. tiny is for tests (a few hundred thousand parameters), small for the demo
// (a few million), bench for benchmarks (tens of millions: matrix products dominate the step time).
import type { Arch } from '../io/config';

export type ModelSize = 'tiny' | 'small' | 'bench';
export const MODEL_SIZES: readonly ModelSize[] = ['tiny', 'small', 'bench'];
export const INIT_ARCHES: readonly Arch[] = ['llama', 'qwen2', 'qwen3', 'gpt2', 'gemma2', 'gemma3_text', 'phi3'];

export interface SizePreset {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  /** Tokenizer vocabulary cap; the built-in corpus supports a little over two thousand tokens. */
  maxVocab: number;
  maxPositionEmbeddings: number;
}

export const SIZE_PRESETS: Record<ModelSize, SizePreset> = {
  tiny: { hiddenSize: 64, intermediateSize: 176, numLayers: 2, numHeads: 4, numKvHeads: 2, maxVocab: 1024, maxPositionEmbeddings: 512 },
  small: { hiddenSize: 256, intermediateSize: 688, numLayers: 4, numHeads: 8, numKvHeads: 4, maxVocab: 4096, maxPositionEmbeddings: 1024 },
  bench: { hiddenSize: 512, intermediateSize: 1408, numLayers: 8, numHeads: 8, numKvHeads: 4, maxVocab: 8192, maxPositionEmbeddings: 2048 },
};

/** config.json for a preset, in the keys and conventions transformers writes for each architecture. */
export function configJson(arch: Arch, size: ModelSize, vocabSize: number, ids: { bos: number; eos: number; pad: number }): Record<string, unknown> {
  const p = SIZE_PRESETS[size];
  if (arch === 'gpt2') return gpt2ConfigJson(p, vocabSize, ids);
  if (arch === 'gemma2' || arch === 'gemma3_text') return gemmaConfigJson(arch, p, vocabSize, ids);
  if (arch === 'phi3') return phi3ConfigJson(p, vocabSize, ids);
  const common = {
    hidden_act: 'silu',
    hidden_size: p.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: p.intermediateSize,
    max_position_embeddings: p.maxPositionEmbeddings,
    num_attention_heads: p.numHeads,
    num_hidden_layers: p.numLayers,
    num_key_value_heads: p.numKvHeads,
    rms_norm_eps: 1e-5,
    rope_scaling: null,
    rope_theta: 10000,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: vocabSize,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
  };
  switch (arch) {
    case 'llama':
      return { architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, attention_dropout: 0, mlp_bias: false, pretraining_tp: 1, ...common };
    case 'qwen2':
      return { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', attention_dropout: 0, use_sliding_window: false, sliding_window: null, ...common };
    case 'qwen3':
      // An explicit head_dim twice hidden/heads, as Qwen3 checkpoints have, so the shapes exercise that case.
      return { architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', attention_bias: false, attention_dropout: 0, head_dim: (2 * p.hiddenSize) / p.numHeads, use_sliding_window: false, sliding_window: null, ...common };
    default:
      throw new Error(`init-model does not write ${arch} models (${INIT_ARCHES.join(', ')})`);
  }
}

/** GPT2Config's own keys (n_embd, n_layer, …); no grouped-query attention, so num_key_value_heads has no counterpart. */
function gpt2ConfigJson(p: SizePreset, vocabSize: number, ids: { bos: number; eos: number; pad: number }): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu_new',
    n_embd: p.hiddenSize,
    n_inner: p.intermediateSize,
    n_layer: p.numLayers,
    n_head: p.numHeads,
    n_positions: p.maxPositionEmbeddings,
    layer_norm_epsilon: 1e-5,
    initializer_range: 0.02,
    attn_pdrop: 0,
    embd_pdrop: 0,
    resid_pdrop: 0,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: vocabSize,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
  };
}

/**
 * Gemma2Config / Gemma3TextConfig as transformers 5 writes them (the keys of test/fixtures/golden/gemma2 and
 * gemma3-text): head_dim = hidden / heads with query_pre_attn_scalar = head_dim, GeGLU (gelu_pytorch_tanh),
 * RMSNorm eps 1e-6, tied head. Gemma 2: soft-caps 50 (attention) and 30 (logits), sliding window half the context on
 * alternating layers (sliding first), RoPE base 1e4. Gemma 3: no soft-caps, sliding window a quarter of the context,
 * full layers RoPE base 1e6 and sliding layers 1e4; five in six layers slide as in Gemma 3 and the last layer is always
 * full, so even the 2-layer preset has one of each.
 */
function gemmaConfigJson(arch: 'gemma2' | 'gemma3_text', p: SizePreset, vocabSize: number, ids: { bos: number; eos: number; pad: number }): Record<string, unknown> {
  const gemma3 = arch === 'gemma3_text';
  const headDim = p.hiddenSize / p.numHeads;
  const sliding = (layer: number) => (gemma3 ? (layer + 1) % 6 !== 0 && layer !== p.numLayers - 1 : (layer + 1) % 2 !== 0);
  const layerTypes = Array.from({ length: p.numLayers }, (_, layer) => (sliding(layer) ? 'sliding_attention' : 'full_attention'));
  const rope = gemma3
    ? { full_attention: { rope_theta: 1_000_000, rope_type: 'default' }, sliding_attention: { rope_theta: 10_000, rope_type: 'default' } }
    : { rope_theta: 10_000, rope_type: 'default' };
  return {
    ...(gemma3 ? { _sliding_window_pattern: 6 } : {}),
    architectures: [gemma3 ? 'Gemma3ForCausalLM' : 'Gemma2ForCausalLM'],
    attention_bias: false,
    attention_dropout: 0,
    attn_logit_softcapping: gemma3 ? null : 50,
    bos_token_id: ids.bos,
    dtype: 'float32',
    eos_token_id: ids.eos,
    final_logit_softcapping: gemma3 ? null : 30,
    head_dim: headDim,
    hidden_activation: 'gelu_pytorch_tanh',
    hidden_size: p.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: p.intermediateSize,
    layer_types: layerTypes,
    max_position_embeddings: p.maxPositionEmbeddings,
    model_type: arch,
    num_attention_heads: p.numHeads,
    num_hidden_layers: p.numLayers,
    num_key_value_heads: p.numKvHeads,
    pad_token_id: ids.pad,
    query_pre_attn_scalar: headDim,
    rms_norm_eps: 1e-6,
    rope_parameters: rope,
    sliding_window: p.maxPositionEmbeddings / (gemma3 ? 4 : 2),
    tie_word_embeddings: true,
    use_bidirectional_attention: gemma3 ? false : null,
    use_cache: true,
    vocab_size: vocabSize,
  };
}

/**
 * Phi3Config as transformers 5 writes it (the keys of test/fixtures/golden/phi3): fused qkv_proj / gate_up_proj
 * (from the shapes), SiLU, RMSNorm eps 1e-5, RoPE base 1e4 on the leading three quarters of each head
 * (partial_rotary_factor 0.75, as Phi-4-mini), a sliding window of half the context less one (as Phi-3-mini: 2047 of
 * 4096), no longrope (original_max_position_embeddings = max_position_embeddings), untied head as Phi-3 / Phi-3.5.
 */
function phi3ConfigJson(p: SizePreset, vocabSize: number, ids: { bos: number; eos: number; pad: number }): Record<string, unknown> {
  return {
    architectures: ['Phi3ForCausalLM'],
    attention_dropout: 0,
    bos_token_id: ids.bos,
    dtype: 'float32',
    embd_pdrop: 0,
    eos_token_id: ids.eos,
    hidden_act: 'silu',
    hidden_size: p.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: p.intermediateSize,
    max_position_embeddings: p.maxPositionEmbeddings,
    model_type: 'phi3',
    num_attention_heads: p.numHeads,
    num_hidden_layers: p.numLayers,
    num_key_value_heads: p.numKvHeads,
    original_max_position_embeddings: p.maxPositionEmbeddings,
    pad_token_id: ids.pad,
    partial_rotary_factor: 0.75,
    resid_pdrop: 0,
    rms_norm_eps: 1e-5,
    rope_parameters: { partial_rotary_factor: 0.75, rope_theta: 10_000, rope_type: 'default' },
    sliding_window: p.maxPositionEmbeddings / 2 - 1,
    tie_word_embeddings: false,
    use_cache: true,
    vocab_size: vocabSize,
  };
}
