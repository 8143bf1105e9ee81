// Writes a randomly initialised model folder in Hugging Face layout: config.json, model.safetensors,
// tokenizer.json, tokenizer_config.json (ChatML chat template) and generation_config.json. Files are written
// atomically; a folder that exists and is not empty is refused unless `force`.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

function writeJson(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
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
  const { endOfText, imEnd } = tokenizer.ids;
  const rawConfig = configJson(arch, size, tokenizer.vocabSize, { bos: endOfText, eos: imEnd, pad: endOfText });
  rawConfig.torch_dtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype as 'F32' | 'F16' | 'BF16'];
  const config = parseModelConfig(rawConfig, join(out, 'config.json'));
  const tensors = expectedTensors(config).map((tensor) => ({
    name: tensor.name,
    dtype,
    shape: tensor.shape,
    data: () => initialTensor(tensor, seed),
  }));
  writeSafetensors(join(out, 'model.safetensors'), tensors, { format: 'pt' });
  writeJson(join(out, 'config.json'), rawConfig);
  writeJson(join(out, 'tokenizer.json'), tokenizer.tokenizerJson);
  writeJson(join(out, 'tokenizer_config.json'), tokenizer.tokenizerConfig);
  writeJson(join(out, 'generation_config.json'), {
    bos_token_id: endOfText,
    eos_token_id: [imEnd, endOfText],
    pad_token_id: endOfText,
    do_sample: false,
    max_new_tokens: 128,
  });
  const files = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];
  return { dir: out, config, parameters: parameterCount(config), files };
}
