// A Hugging Face model folder: config.json, safetensors weights (one file or shards with an index), tokenizer.json
// and tokenizer_config.json, generation_config.json. Loading validates everything that can be checked without
// reading tensor data (headers, names, shapes against the config) and returns lazy weights read by offset.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readModelConfig, type ModelConfig } from './config';
import { checkConfigSizes } from './config-sizes';
import type { LoadedData, SafetensorsDtype } from './dtype';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { readSafetensorsHeader, readTensor, readTensorFloat32, type TensorInfo } from './safetensors';
import { expectedTensors } from './tensor-layout';
import { assertModelFile } from '../../../contracts/src/user-file';
import { loadChatTokenizer, type ChatTokenizer } from '../../../tokenizer/src/tokenizer';

export const INDEX_FILE = 'model.safetensors.index.json';

export interface WeightStore {
  /** The safetensors files the weights come from. */
  files: string[];
  names(): string[];
  has(name: string): boolean;
  info(name: string): TensorInfo;
  /** The tensor as stored (F16 as half bits), except BF16, widened to float32. */
  read(name: string): LoadedData;
  readFloat32(name: string): Float32Array;
}

export interface GenerationConfig {
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  maxNewTokens?: number;
  doSample?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  repetitionPenalty?: number;
}

export interface ModelFolder {
  dir: string;
  config: ModelConfig;
  weights: WeightStore;
  /** Most common dtype among the weights (what a merged model should be written in). */
  weightDtype: SafetensorsDtype;
  /** Tensors present but not used by the architecture (e.g. old rotary_emb.inv_freq buffers). */
  unusedTensors: string[];
  tokenizer: ChatTokenizer | null;
  generationConfig: GenerationConfig;
}

const PICKLE_SUFFIXES = ['.bin', '.pt', '.pth', '.ckpt', '.pkl'];

export function loadModelFolder(dir: string, options: { requireTokenizer?: boolean } = {}): ModelFolder {
  if (!existsSync(dir)) throw new ModelFileError('missing-file', dir, 'model folder does not exist');
  if (!statSync(dir).isDirectory()) throw new ModelFileError('not-a-file', dir, 'is a file, not a model folder');
  const config = readModelConfig(join(dir, 'config.json'));
  const weights = withBaseModelPrefix(openWeights(dir), config);
  checkConfigSizes(config, weights, join(dir, 'config.json'));
  const { weightDtype, unusedTensors } = checkTensors(config, weights);
  const generationConfig = readGenerationConfig(join(dir, 'generation_config.json'), config);
  let tokenizer: ChatTokenizer | null = null;
  if (existsSync(join(dir, 'tokenizer.json'))) {
    tokenizer = loadChatTokenizer(dir, { extraEndOfTurnIds: [...generationConfig.eosTokenIds, ...config.eosTokenIds] });
  } else if (options.requireTokenizer ?? true) {
    const hint = existsSync(join(dir, 'tokenizer.model')) ? ' (only a sentencepiece tokenizer.model is here: save the tokenizer with transformers\' fast tokenizer to get tokenizer.json)' : '';
    throw new ModelFileError('missing-file', join(dir, 'tokenizer.json'), `tokenizer.json is missing${hint}`);
  }
  return { dir, config, weights, weightDtype, unusedTensors, tokenizer, generationConfig };
}

/**
 * transformers' base_model_prefix: GPT-2 checkpoints saved from GPT2Model (openai-community/gpt2, distilgpt2) name
 * their tensors `wte.weight`, `h.0.…` without `transformer.`, which from_pretrained adds on load; so do we, and the
 * model then reads (and full fine-tuning writes) the names GPT2LMHeadModel saves.
 */
function withBaseModelPrefix(weights: WeightStore, config: ModelConfig): WeightStore {
  const prefix = 'transformer.';
  if (config.arch !== 'gpt2' || weights.has(`${prefix}wte.weight`) || !weights.has('wte.weight')) return weights;
  const stored = new Map(weights.names().map((name) => [name.startsWith('lm_head.') ? name : `${prefix}${name}`, name]));
  const storedName = (name: string) => stored.get(name) ?? name;
  return {
    files: weights.files,
    names: () => [...stored.keys()],
    has: (name) => stored.has(name),
    info: (name) => weights.info(storedName(name)),
    read: (name) => weights.read(storedName(name)),
    readFloat32: (name) => weights.readFloat32(storedName(name)),
  };
}

function weightFiles(dir: string): string[] {
  const indexFile = join(dir, INDEX_FILE);
  if (existsSync(indexFile)) return [];
  if (existsSync(join(dir, 'model.safetensors'))) return ['model.safetensors'];
  const entries = readdirSync(dir);
  const pickles = entries.filter((name) => PICKLE_SUFFIXES.some((suffix) => name.endsWith(suffix)));
  if (pickles.length > 0) {
    throw new ModelFileError('pickle-weights', join(dir, pickles[0]),
      'pickle weights are not loaded (unpickling can run arbitrary code); convert the model to safetensors, e.g. ' +
      "AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True) in Python, or the Hub's convert space");
  }
  throw new ModelFileError('missing-file', join(dir, 'model.safetensors'), `no model.safetensors or ${INDEX_FILE} in the folder`);
}

function openWeights(dir: string): WeightStore {
  const tensors = new Map<string, TensorInfo>();
  let files = weightFiles(dir);
  if (files.length === 0) {
    const indexFile = join(dir, INDEX_FILE);
    const weightMap = readIndex(indexFile);
    files = [...new Set(Object.values(weightMap))];
    for (const file of files) {
      const path = join(dir, file);
      if (!existsSync(path)) throw new ModelFileError('missing-file', path, `shard listed in ${INDEX_FILE} is missing`);
      const header = readSafetensorsHeader(path);
      for (const [name, info] of header.tensors) {
        if (weightMap[name] !== file) continue; // an index may list a subset; it decides which shard holds what
        tensors.set(name, info);
      }
    }
    for (const [name, file] of Object.entries(weightMap)) {
      if (!tensors.has(name)) throw new ModelFileError('bad-index', join(dir, file), `${INDEX_FILE} places this tensor here but the shard lacks it`, { tensor: name });
    }
  } else {
    for (const [name, info] of readSafetensorsHeader(join(dir, files[0])).tensors) tensors.set(name, info);
  }
  const get = (name: string): TensorInfo => {
    const info = tensors.get(name);
    if (!info) throw new ModelFileError('missing-tensor', files.join(', '), 'no such tensor in the weights', { tensor: name });
    return info;
  };
  return {
    files: files.map((file) => join(dir, file)),
    names: () => [...tensors.keys()],
    has: (name) => tensors.has(name),
    info: get,
    read: (name) => readTensor(get(name)),
    readFloat32: (name) => readTensorFloat32(get(name)),
  };
}

function readIndex(file: string): Record<string, string> {
  assertModelFile(file, INDEX_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelFileError('bad-json', file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = z.object({ weight_map: z.record(z.string(), z.string().regex(/^[^/\\]+\.safetensors$/)) }).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError('bad-index', file, issue.message, { key: issue.path.join('.') });
  }
  return parsed.data.weight_map;
}

function checkTensors(config: ModelConfig, weights: WeightStore): { weightDtype: SafetensorsDtype; unusedTensors: string[] } {
  const expected = expectedTensors(config);
  const missing = expected.filter((tensor) => !weights.has(tensor.name));
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more: ${missing.slice(1, 4).map((t) => t.name).join(', ')}${missing.length > 4 ? ', …' : ''})` : '';
    throw new ModelFileError('missing-tensor', weights.files.join(', '), `missing from the weights for a ${config.modelType} model with this config.json${more}`, { tensor: missing[0].name });
  }
  const dtypeCounts = new Map<SafetensorsDtype, number>();
  for (const tensor of expected) {
    const info = weights.info(tensor.name);
    if (info.shape.join(',') !== tensor.shape.join(',')) {
      throw new ModelFileError('wrong-shape', info.file, `shape [${info.shape.join(', ')}] but config.json implies [${tensor.shape.join(', ')}]`, { tensor: tensor.name });
    }
    if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
      throw new ModelFileError('bad-dtype', info.file, `dtype ${info.dtype} is not supported for weights (F32, F16, BF16 are; quantized checkpoints are not)`, { tensor: tensor.name });
    }
    dtypeCounts.set(info.dtype, (dtypeCounts.get(info.dtype) ?? 0) + 1);
  }
  const expectedNames = new Set(expected.map((tensor) => tensor.name));
  const unusedTensors = weights.names().filter((name) => !expectedNames.has(name) && !(config.tieWordEmbeddings && name === 'lm_head.weight'));
  const weightDtype = [...dtypeCounts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return { weightDtype, unusedTensors };
}

const tokenIdsSchema = z.union([z.number().int(), z.array(z.number().int()), z.null()]).optional();
const generationSchema = z.object({
  bos_token_id: tokenIdsSchema,
  eos_token_id: tokenIdsSchema,
  pad_token_id: tokenIdsSchema,
  max_new_tokens: z.number().int().positive().optional(),
  do_sample: z.boolean().optional(),
  temperature: z.number().nonnegative().optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  repetition_penalty: z.number().positive().optional(),
});

/** generation_config.json is optional; token ids fall back to config.json's. Unknown keys are ignored. */
export function readGenerationConfig(file: string, config: ModelConfig): GenerationConfig {
  const fallback: GenerationConfig = { bosTokenId: config.bosTokenId, eosTokenIds: config.eosTokenIds, padTokenId: config.padTokenId };
  if (!existsSync(file)) return fallback;
  assertModelFile(file, 'generation_config.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelFileError('bad-json', file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = generationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError('bad-config', file, issue.message, { key: issue.path.join('.') });
  }
  const raw = parsed.data;
  const list = (value: number | number[] | null | undefined) => (value === undefined || value === null ? undefined : Array.isArray(value) ? value : [value]);
  return {
    bosTokenId: list(raw.bos_token_id)?.[0] ?? fallback.bosTokenId,
    eosTokenIds: list(raw.eos_token_id) ?? fallback.eosTokenIds,
    padTokenId: list(raw.pad_token_id)?.[0] ?? fallback.padTokenId,
    maxNewTokens: raw.max_new_tokens,
    doSample: raw.do_sample,
    temperature: raw.temperature,
    topP: raw.top_p,
    topK: raw.top_k,
    repetitionPenalty: raw.repetition_penalty,
  };
}
