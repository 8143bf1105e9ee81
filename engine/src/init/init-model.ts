// Writes a randomly initialised model folder in Hugging Face layout: config.json, model.safetensors,
// tokenizer.json, tokenizer_config.json (the family's chat template: ChatML, Gemma's or Phi's) and
// generation_config.json. Files are written atomically; a folder that exists and is not empty is refused unless
// `force`.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-write';
import { join } from 'node:path';
import { UserError } from '../../../contracts/src/user-error';
import { INDEX_FILE } from '../io/model-folder';
import { parseModelConfig, type Arch, type ModelConfig } from '../io/config';
import type { SafetensorsDtype } from '../io/dtype';
import { writeSafetensors } from '../io/safetensors-writer';
import { expectedTensors, parameterCount } from '../io/tensor-layout';
import { configJson, SIZE_PRESETS, type ModelSize } from './model-sizes';
import { initialTensor } from './random-weights';
import { buildTokenizer } from './tokenizer-builder';

export interface InitModelOptions {
  arch: Arch;
  size: ModelSize;
  out: string;
  seed?: number;
  dtype?: 'F32' | 'F16' | 'BF16';
  force?: boolean;
}

export interface InitModelResult {
  dir: string;
  config: ModelConfig;
  parameters: number;
  files: string[];
}

export class OutputNotEmptyError extends UserError {
  constructor(readonly dir: string) {
    super(`${dir} exists and is not empty (use --force to write into it)`, 'output-not-empty');
  }
}

/**
 * Keys whose values transformers' config classes declare float, written as Python writes a float (30.0, not 30):
 * transformers 5 validates config fields strictly and refuses an int for a float-only field such as Gemma 2's
 * `final_logit_softcapping`.
 */
const FLOAT_KEYS = ['attention_dropout', 'attn_logit_softcapping', 'final_logit_softcapping', 'rope_theta', 'embd_pdrop', 'resid_pdrop', 'attn_pdrop', 'partial_rotary_factor'];

export function configText(config: Record<string, unknown>): string {
  const pattern = new RegExp(`("(?:${FLOAT_KEYS.join('|')})": )(-?\\d+)(?=,?\n)`, 'g');
  return JSON.stringify(config, null, 2).replace(pattern, '$1$2.0') + '\n';
}

export function initModel(options: InitModelOptions): InitModelResult {
  const { arch, size, out } = options;
  const seed = options.seed ?? 0;
  const dtype: SafetensorsDtype = options.dtype ?? 'F32';
  if (existsSync(out) && readdirSync(out).length > 0 && !options.force) throw new OutputNotEmptyError(out);
  mkdirSync(out, { recursive: true });
  // A shard index left from an earlier model would take precedence over the new model.safetensors.
  rmSync(join(out, INDEX_FILE), { force: true });
  const preset = SIZE_PRESETS[size];
  const tokenizer = buildTokenizer(preset.maxVocab, preset.maxPositionEmbeddings, arch);
  const { bos, eos, pad, stop } = tokenizer.ids;
  // ChatML folders have no BOS token: the end-of-text token stands in, as before.
  const rawConfig = configJson(arch, size, tokenizer.vocabSize, { bos: bos ?? pad, eos, pad });
  // transformers 5 writes dtype, earlier versions torch_dtype: each preset has the key of the version it follows.
  rawConfig['dtype' in rawConfig ? 'dtype' : 'torch_dtype'] = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype as 'F32' | 'F16' | 'BF16'];
  const config = parseModelConfig(rawConfig, join(out, 'config.json'));
  // Gemma's RMSNorms scale by (1 + w): transformers initialises w at zero, so a norm starts as the identity scale.
  const offsetNorms = arch === 'gemma2' || arch === 'gemma3_text';
  const tensors = expectedTensors(config).map((tensor) => ({
    name: tensor.name,
    dtype,
    shape: tensor.shape,
    data: () => initialTensor(tensor, seed, { unitNorm: !offsetNorms }),
  }));
  writeSafetensors(join(out, 'model.safetensors'), tensors, { format: 'pt' });
  writeFileAtomic(join(out, 'config.json'), configText(rawConfig));
  writeJsonAtomic(join(out, 'tokenizer.json'), tokenizer.tokenizerJson);
  writeJsonAtomic(join(out, 'tokenizer_config.json'), tokenizer.tokenizerConfig);
  writeJsonAtomic(join(out, 'generation_config.json'), {
    bos_token_id: bos ?? pad,
    eos_token_id: stop,
    pad_token_id: pad,
    do_sample: false,
    max_new_tokens: 128,
  });
  const files = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];
  return { dir: out, config, parameters: parameterCount(config), files };
}
