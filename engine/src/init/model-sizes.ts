// Size presets of `finetune init-model`. tiny is for tests (a few hundred thousand parameters), small for the demo
// (a few million), bench for benchmarks (tens of millions: matrix products dominate the step time).
import type { Arch } from '../io/config';

export type ModelSize = 'tiny' | 'small' | 'bench';
export const MODEL_SIZES: readonly ModelSize[] = ['tiny', 'small', 'bench'];
export const INIT_ARCHES: readonly Arch[] = ['llama', 'qwen2', 'qwen3', 'gpt2'];

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
