// PEFT prompt tuning (Lester et al. 2021) and P-tuning (Liu et al. 2021) adapters, the layout
// `PeftModel.save_pretrained` writes for a PromptTuningConfig or PromptEncoderConfig: adapter_config.json (peft_type
// PROMPT_TUNING or P_TUNING, num_virtual_tokens, token_dim, …) and adapter_model.safetensors holding one tensor,
// `prompt_embeddings` [num_virtual_tokens × submodules, token_dim]. P-tuning saves its prompt encoder's output there
// (not the encoder), so both load the same way: virtual tokens in front of every input (models/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { readSafetensorsHeader, readTensorFloat32 } from '../io/safetensors';
import { assertModelFile } from '../../../contracts/src/user-file';

export const PROMPT_EMBEDDINGS_TENSOR = 'prompt_embeddings';

/** The peft_type values whose adapter is a table of virtual token embeddings. */
export const PROMPT_PEFT_TYPES = ['PROMPT_TUNING', 'P_TUNING'] as const;
export type PromptPeftType = (typeof PROMPT_PEFT_TYPES)[number];

export function isPromptPeftType(value: unknown): value is PromptPeftType {
  return PROMPT_PEFT_TYPES.includes(value as PromptPeftType);
}

export interface PromptEmbeddings {
  peftType: PromptPeftType;
  numVirtualTokens: number;
  tokenDim: number;
  /** [numVirtualTokens, tokenDim] row-major. */
  embeddings: Float32Array;
}

/** PromptLearningConfig's fields, shared by prompt, P- and prefix tuning. */
export interface PromptLearningSettings {
  baseModel: string;
  numVirtualTokens: number;
  tokenDim: number;
  numAttentionHeads: number;
  numLayers: number;
}

export interface PromptTuningSettings extends PromptLearningSettings {
  /** PEFT's PromptTuningInit: RANDOM, TEXT (with the text) or SAMPLE_VOCAB. */
  init: { kind: 'RANDOM' } | { kind: 'TEXT'; text: string };
}

export interface PTuningSettings extends PromptLearningSettings {
  encoderType: 'mlp' | 'lstm';
  encoderHiddenSize: number;
  /** The LSTM's layers (PEFT's encoder_num_layers; the MLP ignores it). */
  encoderNumLayers: number;
}

/**
 * The fields every prompt-learning config has (prefix tuning's too), as PEFT ≥ 0.7 writes them (decoder-only: one
 * transformer submodule).
 */
export function promptLearningConfig(peftType: PromptPeftType | 'PREFIX_TUNING', settings: PromptLearningSettings): Record<string, unknown> {
  return {
    peft_type: peftType,
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: resolve(settings.baseModel),
    num_virtual_tokens: settings.numVirtualTokens,
    token_dim: settings.tokenDim,
    num_transformer_submodules: 1,
    num_attention_heads: settings.numAttentionHeads,
    num_layers: settings.numLayers,
    inference_mode: true,
    revision: null,
  };
}

/** PromptTuningConfig as PEFT writes it. */
export function promptTuningConfig(settings: PromptTuningSettings): Record<string, unknown> {
  return {
    ...promptLearningConfig('PROMPT_TUNING', settings),
    prompt_tuning_init: settings.init.kind,
    prompt_tuning_init_text: settings.init.kind === 'TEXT' ? settings.init.text : null,
    tokenizer_name_or_path: settings.init.kind === 'TEXT' ? resolve(settings.baseModel) : null,
    tokenizer_kwargs: null,
  };
}

/** PromptEncoderConfig (peft_type P_TUNING) as PEFT writes it; encoder_dropout is always 0 here. */
export function pTuningConfig(settings: PTuningSettings): Record<string, unknown> {
  return {
    ...promptLearningConfig('P_TUNING', settings),
    encoder_reparameterization_type: settings.encoderType.toUpperCase(),
    encoder_hidden_size: settings.encoderHiddenSize,
    encoder_num_layers: settings.encoderNumLayers,
    encoder_dropout: 0,
  };
}

/** Reads a PROMPT_TUNING or P_TUNING adapter whose config has already been parsed; checks the tensor against the config. */
export function readPromptEmbeddings(dir: string, json: Record<string, unknown> & { peft_type: PromptPeftType }): PromptEmbeddings {
  const count = positiveIntegerField(dir, json, 'num_virtual_tokens');
  const tokenDim = positiveIntegerField(dir, json, 'token_dim');
  assertOneSubmodule(dir, json);
  return { peftType: json.peft_type, numVirtualTokens: count, tokenDim, embeddings: readPromptTensor(dir, [count, tokenDim]) };
}

/** Decoder-only models have one transformer submodule (encoder-decoder ones two). */
export function assertOneSubmodule(dir: string, json: Record<string, unknown>): void {
  const submodules = json.num_transformer_submodules ?? 1;
  if (submodules !== 1) throw new ModelFileError('unsupported-feature', join(dir, 'adapter_config.json'), `num_transformer_submodules ${JSON.stringify(submodules)} is not supported (decoder-only models use 1)`, { key: 'num_transformer_submodules' });
}

/** The adapter's `prompt_embeddings`, which must be [rows, width] as the config says. */
export function readPromptTensor(dir: string, [rows, width]: [number, number]): Float32Array {
  const file = join(dir, 'adapter_model.safetensors');
  if (!existsSync(file)) throw new ModelFileError('missing-file', file, 'no adapter_model.safetensors');
  const header = readSafetensorsHeader(file);
  const info = header.tensors.get(PROMPT_EMBEDDINGS_TENSOR);
  if (!info) throw new ModelFileError('missing-tensor', file, `a prompt-learning adapter needs '${PROMPT_EMBEDDINGS_TENSOR}'`, { tensor: PROMPT_EMBEDDINGS_TENSOR });
  if (info.shape.length !== 2 || info.shape[0] !== rows || info.shape[1] !== width) {
    throw new ModelFileError('wrong-shape', file, `is [${info.shape}] but the config says [${rows}, ${width}]`, { tensor: PROMPT_EMBEDDINGS_TENSOR });
  }
  return readTensorFloat32(info);
}

/** A positive integer field of adapter_config.json, or a located error. */
export function positiveIntegerField(dir: string, json: Record<string, unknown>, key: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ModelFileError('bad-config', join(dir, 'adapter_config.json'), `${key} must be a positive integer, got ${JSON.stringify(value)}`, { key });
  }
  return value;
}

export function readAdapterConfigJson(dir: string): Record<string, unknown> {
  const file = join(dir, 'adapter_config.json');
  if (!existsSync(file)) throw new ModelFileError('missing-file', file, 'no adapter_config.json: not a PEFT adapter folder');
  assertModelFile(file, 'adapter_config.json');
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ModelFileError('bad-json', file, `not valid JSON (${(error as Error).message})`);
  }
}
