// config.json of GPT-2 (GPT2Config) → ModelConfig. transformers v4 and v5 both write GPT-2's own key names (n_embd,
// n_layer, n_head, n_positions, n_inner); the generic aliases (hidden_size, num_hidden_layers, …) that GPT2Config's
// attribute_map accepts are read too. Unknown keys are ignored; what the graph would compute differently is refused.
import { z } from 'zod';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import type { ModelConfig } from './model-config';

const positiveInt = z.number().int().positive();
const tokenIds = z.union([z.number().int(), z.array(z.number().int()), z.null()]).optional();

const gpt2Schema = z.object({
  model_type: z.literal('gpt2'),
  vocab_size: positiveInt.optional(),
  n_embd: positiveInt.optional(),
  hidden_size: positiveInt.optional(),
  n_layer: positiveInt.optional(),
  num_hidden_layers: positiveInt.optional(),
  n_head: positiveInt.optional(),
  num_attention_heads: positiveInt.optional(),
  n_positions: positiveInt.optional(),
  max_position_embeddings: positiveInt.optional(),
  n_inner: positiveInt.nullable().optional(),
  activation_function: z.string().optional(),
  layer_norm_epsilon: z.number().positive().optional(),
  scale_attn_weights: z.boolean().optional(),
  scale_attn_by_inverse_layer_idx: z.boolean().optional(),
  add_cross_attention: z.boolean().optional(),
  tie_word_embeddings: z.boolean().optional(),
  bos_token_id: tokenIds,
  eos_token_id: tokenIds,
  pad_token_id: tokenIds,
  torch_dtype: z.string().nullable().optional(),
  dtype: z.string().nullable().optional(),
});

/** transformers' names for the tanh-approximated GELU (one formula); exact 'gelu' (erf) is not supported. */
const TANH_GELUS = ['gelu_new', 'gelu_pytorch_tanh', 'gelu_fast'];

function idList(value: number | number[] | null | undefined): number[] {
  return value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function parseGpt2Config(json: unknown, file: string): ModelConfig {
  const parsed = gpt2Schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError('bad-config', file, issue.message, { key: issue.path.join('.') || '(root)' });
  }
  const raw = parsed.data;
  const unsupported = (key: string, what: string) => new ModelFileError('unsupported-feature', file, what, { key });
  const activationName = raw.activation_function ?? 'gelu_new';
  if (!TANH_GELUS.includes(activationName)) throw unsupported('activation_function', `activation '${activationName}' is not supported (${TANH_GELUS.join(', ')} are)`);
  if (raw.add_cross_attention) throw unsupported('add_cross_attention', 'cross-attention (encoder-decoder GPT-2) is not supported');
  // Defaults are GPT2Config's (the 124M model).
  const hiddenSize = raw.n_embd ?? raw.hidden_size ?? 768;
  const numHeads = raw.n_head ?? raw.num_attention_heads ?? 12;
  const headDim = hiddenSize / numHeads;
  if (!Number.isInteger(headDim)) throw new ModelFileError('bad-config', file, `n_embd ${hiddenSize} is not divisible by n_head ${numHeads}`, { key: 'n_head' });
  return {
    arch: 'gpt2',
    modelType: 'gpt2',
    vocabSize: raw.vocab_size ?? 50257,
    hiddenSize,
    intermediateSize: raw.n_inner ?? 4 * hiddenSize,
    numLayers: raw.n_layer ?? raw.num_hidden_layers ?? 12,
    numHeads,
    numKvHeads: numHeads,
    headDim,
    rmsNormEps: raw.layer_norm_epsilon ?? 1e-5,
    // No rotary positions: learned position embeddings (transformer.wpe) up to n_positions.
    ropeTheta: 10000,
    ropeScaling: { type: 'default' },
    rotaryDim: headDim,
    ropeLayers: null,
    maxPositionEmbeddings: raw.n_positions ?? raw.max_position_embeddings ?? 1024,
    tieWordEmbeddings: raw.tie_word_embeddings ?? true,
    qkvBias: true,
    outputBias: true,
    qkNorm: false,
    slidingWindow: null,
    slidingLayers: { from: Number.POSITIVE_INFINITY },
    gpt2: {
      scaleAttentionWeights: raw.scale_attn_weights ?? true,
      scaleAttentionByInverseLayer: raw.scale_attn_by_inverse_layer_idx ?? false,
    },
    bosTokenId: idList(raw.bos_token_id)[0] ?? 50256,
    eosTokenIds: raw.eos_token_id === undefined ? [50256] : idList(raw.eos_token_id),
    padTokenId: idList(raw.pad_token_id)[0] ?? null,
    torchDtype: raw.torch_dtype ?? raw.dtype ?? null,
  };
}
