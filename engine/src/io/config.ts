// config.json of the Llama-shaped families, as transformers reads it (LlamaConfig, MistralConfig, Qwen2Config,
// Qwen3Config, SmolLM3Config, Gemma2Config, Gemma3TextConfig, Phi3Config), normalised to one ModelConfig
// (model-config.ts; GPT-2's own keys are read by gpt2-config.ts). Unknown keys are ignored; defaults are transformers' own. Features the engine does
// not implement (other activations, MLP bias, YaRN/dynamic RoPE) are refused with a message instead of being ignored.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { assertModelFile } from '../../../contracts/src/user-file';
import { parseGpt2Config } from './gpt2-config';
import type { Arch, ModelConfig, RopeScaling } from './model-config';

export type { Arch, GemmaSettings, Gpt2Settings, ModelConfig, RopeScaling } from './model-config';

/**
 * model_type → architecture; Mistral (sliding window aside), SmolLM/TinyLlama (model_type llama) and SmolLM3 (layers
 * without RoPE: ropeLayers) are Llamas.
 */
export const SUPPORTED_MODEL_TYPES: Record<string, Arch> = { llama: 'llama', mistral: 'llama', qwen2: 'qwen2', qwen3: 'qwen3', gpt2: 'gpt2', gemma2: 'gemma2', gemma3_text: 'gemma3_text', phi3: 'phi3', smollm3: 'llama' };

/** transformers' names of the tanh-approximated GELU (one formula). */
export const TANH_GELUS = ['gelu_pytorch_tanh', 'gelu_new', 'gelu_fast'];

const positiveInt = z.number().int().positive();
const tokenIds = z.union([z.number().int(), z.array(z.number().int()), z.null()]).optional();

const flatRopeSchema = z.object({
  rope_type: z.string().optional(),
  type: z.string().optional(),
  factor: z.number().positive().optional(),
  low_freq_factor: z.number().optional(),
  high_freq_factor: z.number().optional(),
  original_max_position_embeddings: positiveInt.optional(),
  rope_theta: z.number().positive().optional(),
  partial_rotary_factor: z.number().positive().max(1).optional(),
  short_factor: z.array(z.number().positive()).optional(),
  long_factor: z.array(z.number().positive()).optional(),
  attention_factor: z.number().positive().optional(),
});
const ropeScalingSchema = flatRopeSchema
  // Gemma 3 in transformers 5: one rope_parameters entry per layer type.
  .extend({ full_attention: flatRopeSchema.nullable().optional(), sliding_attention: flatRopeSchema.nullable().optional() })
  .nullable()
  .optional();

const configSchema = z.object({
  model_type: z.string(),
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.nullable().optional(),
  head_dim: positiveInt.nullable().optional(),
  rms_norm_eps: z.number().positive().optional(),
  rope_theta: z.number().positive().optional(),
  rope_scaling: ropeScalingSchema,
  // transformers 5 moves rope_theta and the scaling into rope_parameters.
  rope_parameters: ropeScalingSchema,
  max_position_embeddings: positiveInt.optional(),
  tie_word_embeddings: z.boolean().optional(),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().optional(),
  hidden_act: z.string().optional(),
  hidden_activation: z.string().nullable().optional(),
  rope_local_base_freq: z.number().positive().optional(),
  partial_rotary_factor: z.number().positive().max(1).optional(),
  original_max_position_embeddings: positiveInt.optional(),
  no_rope_layers: z.array(z.number().int().min(0).max(1)).nullable().optional(),
  no_rope_layer_interval: positiveInt.optional(),
  sliding_window_pattern: positiveInt.optional(),
  query_pre_attn_scalar: z.number().positive().optional(),
  attn_logit_softcapping: z.number().positive().nullable().optional(),
  final_logit_softcapping: z.number().positive().nullable().optional(),
  sliding_window: z.number().int().nullable().optional(),
  use_sliding_window: z.boolean().optional(),
  max_window_layers: z.number().int().nonnegative().optional(),
  layer_types: z.array(z.string()).nullable().optional(),
  bos_token_id: tokenIds,
  eos_token_id: tokenIds,
  pad_token_id: tokenIds,
  torch_dtype: z.string().nullable().optional(),
  dtype: z.string().nullable().optional(),
});

type RawConfig = z.infer<typeof configSchema>;

function idList(value: number | number[] | null | undefined): number[] {
  return value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Validates a parsed config.json object; `file` only locates errors. */
export function parseModelConfig(json: unknown, file = 'config.json'): ModelConfig {
  const modelType = (json as { model_type?: unknown } | null)?.model_type;
  if (typeof modelType === 'string' && !Object.hasOwn(SUPPORTED_MODEL_TYPES, modelType)) {
    throw new ModelFileError('unsupported-architecture', file, `model_type '${modelType}' is not supported; supported: ${Object.keys(SUPPORTED_MODEL_TYPES).join(', ')}`, { key: 'model_type' });
  }
  if (modelType === 'gpt2') return parseGpt2Config(json, file);
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError('bad-config', file, issue.message, { key: issue.path.join('.') || '(root)' });
  }
  return normalise(parsed.data, file);
}

export function readModelConfig(file: string): ModelConfig {
  assertModelFile(file, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ModelFileError('missing-file', file, 'config.json is missing');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError('bad-json', file, `not valid JSON (${(error as Error).message})`);
  }
  return parseModelConfig(json, file);
}

function normalise(raw: RawConfig, file: string): ModelConfig {
  const arch = SUPPORTED_MODEL_TYPES[raw.model_type];
  const unsupported = (key: string, what: string) => new ModelFileError('unsupported-feature', file, what, { key });
  const gemma = arch === 'gemma2' || arch === 'gemma3_text';
  const gemma3 = arch === 'gemma3_text';
  if (gemma) {
    // Gemma's GeGLU: hidden_activation wins over the legacy hidden_act (transformers' Gemma2Config does the same).
    const activation = raw.hidden_activation ?? raw.hidden_act ?? 'gelu_pytorch_tanh';
    if (!TANH_GELUS.includes(activation)) throw unsupported(raw.hidden_activation ? 'hidden_activation' : 'hidden_act', `activation '${activation}' is not supported (${TANH_GELUS.join(', ')} are)`);
  } else if ((raw.hidden_act ?? 'silu') !== 'silu') throw unsupported('hidden_act', `activation '${raw.hidden_act}' is not supported (only silu)`);
  if (raw.mlp_bias) throw unsupported('mlp_bias', 'MLP biases are not supported');
  const numHeads = raw.num_attention_heads;
  const numKvHeads = raw.num_key_value_heads ?? numHeads;
  if (numHeads % numKvHeads !== 0) {
    throw new ModelFileError('bad-config', file, `num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`, { key: 'num_key_value_heads' });
  }
  const headDim = raw.head_dim ?? (gemma ? 256 : raw.hidden_size / numHeads);
  if (!Number.isInteger(headDim)) throw new ModelFileError('bad-config', file, `hidden_size ${raw.hidden_size} is not divisible by num_attention_heads ${numHeads}; set head_dim`, { key: 'head_dim' });
  if (headDim % 2 !== 0) throw new ModelFileError('bad-config', file, `head_dim ${headDim} must be even for rotary embeddings`, { key: 'head_dim' });
  // Gemma 3: full layers read rope_parameters.full_attention (v5) or rope_theta + rope_scaling (v4, base 1e6); the
  // sliding layers rope_parameters.sliding_attention or rope_local_base_freq (default RoPE, base 1e4).
  const byLayerType = gemma3 && raw.rope_parameters?.full_attention !== undefined;
  const limits: PositionLimits = { max: raw.max_position_embeddings ?? 2048, original: raw.original_max_position_embeddings };
  const nested = (type: 'full_attention' | 'sliding_attention', fallback: number) => {
    const entry = raw.rope_parameters?.[type] ?? null;
    return parseRope(entry, { value: entry?.rope_theta ?? fallback, key: `rope_parameters.${type}.rope_theta` }, `rope_parameters.${type}`, file, limits);
  };
  const flatTheta = raw.rope_parameters?.rope_theta !== undefined ? { value: raw.rope_parameters.rope_theta, key: 'rope_parameters.rope_theta' } : { value: raw.rope_theta ?? (gemma3 ? 1e6 : 10000), key: 'rope_theta' };
  const fullRope = byLayerType ? nested('full_attention', 1e6) : parseRope(raw.rope_parameters ?? raw.rope_scaling ?? null, flatTheta, raw.rope_parameters ? 'rope_parameters' : 'rope_scaling', file, limits);
  const localRope = !gemma3 ? null : byLayerType ? nested('sliding_attention', 1e4) : parseRope(null, { value: raw.rope_local_base_freq ?? 1e4, key: 'rope_local_base_freq' }, 'rope_local_base_freq', file, limits);
  // Phi-3 / Phi-4-mini rotate part of each head: partial_rotary_factor (in rope_parameters from transformers 5).
  const rotaryDim = Math.trunc(headDim * (raw.rope_parameters?.partial_rotary_factor ?? raw.partial_rotary_factor ?? 1));
  if (rotaryDim % 2 !== 0) throw new ModelFileError('bad-config', file, `partial_rotary_factor gives ${rotaryDim} rotary dims per head; RoPE needs an even count`, { key: 'partial_rotary_factor' });
  if (fullRope.ropeScaling.type === 'longrope') {
    const ropeKey = raw.rope_parameters ? 'rope_parameters' : 'rope_scaling';
    if (arch !== 'phi3') throw unsupported(ropeKey, `rope type 'longrope' is only supported for Phi-3 models`);
    const { shortFactor, longFactor } = fullRope.ropeScaling;
    if (shortFactor.length !== rotaryDim / 2 || longFactor.length !== rotaryDim / 2) {
      throw new ModelFileError('bad-config', file, `longrope needs ${rotaryDim / 2} short and long factors (one per rotary pair), got ${shortFactor.length} and ${longFactor.length}`, { key: `${ropeKey}.short_factor` });
    }
  }
  const attentionBias = raw.attention_bias ?? false;
  const { slidingWindow, slidingLayers } = slidingAttention(raw, file);
  return {
    arch,
    modelType: raw.model_type,
    vocabSize: raw.vocab_size,
    hiddenSize: raw.hidden_size,
    intermediateSize: raw.intermediate_size,
    numLayers: raw.num_hidden_layers,
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: raw.rms_norm_eps ?? 1e-6,
    ...fullRope,
    rotaryDim,
    ropeLayers: ropeLayers(raw, file),
    maxPositionEmbeddings: raw.max_position_embeddings ?? 2048,
    tieWordEmbeddings: raw.tie_word_embeddings ?? gemma,
    qkvBias: arch === 'qwen2' ? true : attentionBias,
    outputBias: arch === 'qwen2' ? false : attentionBias,
    qkNorm: arch === 'qwen3' || gemma3,
    slidingWindow,
    slidingLayers,
    gemma: gemma
      ? {
          queryPreAttentionScalar: raw.query_pre_attn_scalar ?? 256,
          // Gemma 2 defaults to capping (50, 30), Gemma 3 to none.
          attentionSoftcap: raw.attn_logit_softcapping === undefined ? (gemma3 ? null : 50) : raw.attn_logit_softcapping,
          finalSoftcap: raw.final_logit_softcapping === undefined ? (gemma3 ? null : 30) : raw.final_logit_softcapping,
          localRope,
        }
      : undefined,
    bosTokenId: idList(raw.bos_token_id)[0] ?? null,
    eosTokenIds: idList(raw.eos_token_id),
    padTokenId: idList(raw.pad_token_id)[0] ?? null,
    torchDtype: raw.torch_dtype ?? raw.dtype ?? null,
  };
}

/**
 * Which layers attend through a window, as transformers decides: Mistral windows every layer when sliding_window is
 * set; Qwen2/Qwen3 only with use_sliding_window, and then the layers marked 'sliding_attention' in layer_types, or
 * (no layer_types, as in Qwen2/2.5 checkpoints) layers max_window_layers and up; Llama has no window at all.
 * An absent sliding_window is transformers' default 4096 (an explicit null turns the window off).
 */
function slidingAttention(raw: RawConfig, file: string): { slidingWindow: number | null; slidingLayers: ModelConfig['slidingLayers'] } {
  const layers = raw.num_hidden_layers;
  if (raw.model_type === 'gemma2' || raw.model_type === 'gemma3_text') {
    // Without layer_types, every `pattern`-th layer is full and the others slide: Gemma 2 alternates (pattern 2),
    // Gemma 3 has sliding_window_pattern (6).
    const pattern = raw.model_type === 'gemma2' ? 2 : (raw.sliding_window_pattern ?? 6);
    raw = { ...raw, layer_types: raw.layer_types ?? Array.from({ length: layers }, (_, i) => ((i + 1) % pattern !== 0 ? 'sliding_attention' : 'full_attention')) };
  }
  if (raw.model_type === 'smollm3' && !raw.layer_types) {
    // SmolLM3Config: with use_sliding_window and a window, the NoPE layers slide and the RoPE layers attend fully.
    const rotates = ropeLayers(raw, file)!;
    raw = { ...raw, layer_types: rotates.map((rope) => (raw.use_sliding_window && raw.sliding_window && !rope ? 'sliding_attention' : 'full_attention')) };
  }
  // Phi-3 windows every layer when sliding_window is set (its default is none).
  if (raw.model_type === 'phi3') return raw.sliding_window ? { slidingWindow: raw.sliding_window, slidingLayers: { from: 0 } } : { slidingWindow: null, slidingLayers: { from: Number.POSITIVE_INFINITY } };
  const windowed = raw.model_type === 'gemma2' || raw.model_type === 'gemma3_text' || raw.model_type === 'mistral' || (['qwen2', 'qwen3', 'smollm3'].includes(raw.model_type) && raw.use_sliding_window === true);
  const window = windowed ? (raw.sliding_window === undefined ? 4096 : raw.sliding_window) : null;
  if (window === null) return { slidingWindow: null, slidingLayers: { from: Number.POSITIVE_INFINITY } };
  if (raw.model_type === 'mistral') return { slidingWindow: window, slidingLayers: { from: 0 } };
  const types = raw.layer_types;
  if (types) {
    if (types.length !== layers) throw new ModelFileError('bad-config', file, `layer_types has ${types.length} entries for ${layers} layers`, { key: 'layer_types' });
    const unknown = types.find((type) => type !== 'sliding_attention' && type !== 'full_attention');
    if (unknown !== undefined) throw new ModelFileError('unsupported-feature', file, `layer type '${unknown}' is not supported (full_attention and sliding_attention are)`, { key: 'layer_types' });
  }
  const firstWindowed = raw.max_window_layers ?? 28;
  if (types) {
    const slidingLayers = types.map((type) => type === 'sliding_attention');
    return { slidingWindow: slidingLayers.some(Boolean) ? window : null, slidingLayers };
  }
  return { slidingWindow: firstWindowed < layers ? window : null, slidingLayers: { from: firstWindowed } };
}

/**
 * SmolLM3's NoPE layers: no_rope_layers (1 = RoPE, 0 = none), or by default every no_rope_layer_interval-th layer
 * (4) without RoPE, as SmolLM3Config derives it. Other models rotate every layer.
 */
function ropeLayers(raw: RawConfig, file: string): readonly boolean[] | null {
  if (raw.model_type !== 'smollm3') return null;
  const layers = raw.num_hidden_layers;
  const flags = raw.no_rope_layers ?? Array.from({ length: layers }, (_, i) => Number((i + 1) % (raw.no_rope_layer_interval ?? 4) !== 0));
  if (flags.length !== layers) throw new ModelFileError('bad-config', file, `no_rope_layers has ${flags.length} entries for ${layers} layers`, { key: 'no_rope_layers' });
  return flags.map((flag) => flag === 1);
}

/** The attention window of one decoder layer, or null when it attends to the whole (causal) past. */
export function layerWindow(config: Pick<ModelConfig, 'slidingWindow' | 'slidingLayers'>, layer: number): number | null {
  const sliding = config.slidingLayers;
  const windowed = Array.isArray(sliding) ? sliding[layer] === true : layer >= (sliding as { from: number }).from;
  return windowed ? config.slidingWindow : null;
}

/** A RoPE base (which must be above 1) and the scaling of a rope_scaling / rope_parameters entry. */
/** The position counts longrope derives its scaling from (top-level keys of config.json). */
interface PositionLimits {
  max: number;
  original?: number;
}

function parseRope(rope: z.infer<typeof flatRopeSchema> | null, theta: { value: number; key: string }, key: string, file: string, limits: PositionLimits): Pick<ModelConfig, 'ropeTheta' | 'ropeScaling'> {
  // A base at or below 1 gives rotations of a radian or more per position (NaN once they overflow float32).
  if (theta.value <= 1) {
    throw new ModelFileError('bad-config', file, `rope_theta ${theta.value} is not a usable RoPE base: it must be above 1 (models use 10000 to about 1e8)`, { key: theta.key });
  }
  return { ropeTheta: theta.value, ropeScaling: parseRopeScaling(rope, file, key, limits) };
}

function parseRopeScaling(rope: z.infer<typeof flatRopeSchema> | null, file: string, key: string, limits: PositionLimits): RopeScaling {
  const type = rope?.rope_type ?? rope?.type ?? 'default';
  if (!rope || type === 'default') return { type: 'default' };
  const need = (name: string, value: number | undefined): number => {
    if (value === undefined) throw new ModelFileError('bad-config', file, `rope type '${type}' needs ${name}`, { key: `${key}.${name}` });
    return value;
  };
  if (type === 'linear') return { type: 'linear', factor: need('factor', rope.factor) };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: need('factor', rope.factor),
      lowFreqFactor: need('low_freq_factor', rope.low_freq_factor),
      highFreqFactor: need('high_freq_factor', rope.high_freq_factor),
      originalMaxPositionEmbeddings: need('original_max_position_embeddings', rope.original_max_position_embeddings),
    };
  }
  if (type === 'longrope') {
    // transformers' _compute_longrope_parameters: factor defaults to max / original positions, and the attention
    // factor to √(1 + ln(factor) / ln(original)) (1 when the factor is at most 1).
    const original = rope.original_max_position_embeddings ?? limits.original ?? limits.max;
    const factor = rope.factor ?? limits.max / original;
    const attentionFactor = rope.attention_factor ?? (factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original)));
    const factors = (name: 'short_factor' | 'long_factor') => {
      const value = rope[name];
      if (!value) throw new ModelFileError('bad-config', file, `rope type 'longrope' needs ${name}`, { key: `${key}.${name}` });
      return value;
    };
    return { type: 'longrope', shortFactor: factors('short_factor'), longFactor: factors('long_factor'), originalMaxPositionEmbeddings: original, attentionFactor };
  }
  throw new ModelFileError('unsupported-feature', file, `rope type '${type}' is not supported (default, linear, llama3 and, for Phi-3, longrope are)`, { key });
}

/**
 * RoPE inverse frequencies (head_dim / 2 of them) as transformers computes them in ROPE_INIT_FUNCTIONS, in float64;
 * the angle for position p and pair i is p * inverseFrequencies[i] (linear scaling folded in as 1/factor).
 */
export function ropeInverseFrequencies(config: Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>): Float64Array {
  const half = config.headDim / 2;
  const inverse = new Float64Array(half);
  for (let i = 0; i < half; i++) inverse[i] = 1 / config.ropeTheta ** ((2 * i) / config.headDim);
  const scaling = config.ropeScaling;
  if (scaling.type === 'linear') for (let i = 0; i < half; i++) inverse[i] /= scaling.factor;
  // longrope: the short factors (positions within the original length); see longropeInverseFrequencies.
  if (scaling.type === 'longrope') for (let i = 0; i < half; i++) inverse[i] /= scaling.shortFactor[i];
  if (scaling.type === 'llama3') {
    const lowFreqWavelength = scaling.originalMaxPositionEmbeddings / scaling.lowFreqFactor;
    const highFreqWavelength = scaling.originalMaxPositionEmbeddings / scaling.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelength = (2 * Math.PI) / inverse[i];
      if (wavelength > lowFreqWavelength) inverse[i] /= scaling.factor;
      else if (wavelength >= highFreqWavelength) {
        const smooth = (scaling.originalMaxPositionEmbeddings / wavelength - scaling.lowFreqFactor) / (scaling.highFreqFactor - scaling.lowFreqFactor);
        inverse[i] = (1 - smooth) * (inverse[i] / scaling.factor) + smooth * inverse[i];
      }
    }
  }
  return inverse;
}

/** LongRoPE's table for positions beyond originalMaxPositionEmbeddings: the base frequencies over the long factors. */
export function longropeLongInverseFrequencies(config: Pick<ModelConfig, 'headDim' | 'ropeTheta'>, longFactor: readonly number[]): Float64Array {
  const base = ropeInverseFrequencies({ ...config, ropeScaling: { type: 'default' } });
  return base.map((frequency, i) => frequency / longFactor[i]);
}
