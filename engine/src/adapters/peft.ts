// Reading a PEFT adapter folder — LoRA, prompt tuning / P-tuning (adapters/prompt.ts) or prefix tuning (adapters/
// prefix.ts) — a LoRA one being (the layout `PeftModel.save_pretrained` writes): adapter_config.json and
// adapter_model.safetensors with `base_model.model.<module>.lora_A.weight` [r, in] and `.lora_B.weight` [out, r].
// Score and generate merge it into the base weights (W + scale·B·A, what `merge_and_unload` computes) so inference
// runs the plain graph at full speed; training keeps LoRA as a separate branch (see engine/src/models/README.md).
// PEFT's default save_embedding_layers='auto' also saves the base weight of a targeted lm_head
// (`base_model.model.lm_head.base_layer.weight`); PeftModel.from_pretrained loads it over the base's, and so do we.
// GPT-2's Conv1D weights are stored [in, out]: PEFT marks such adapters fan_in_fan_out (A and B keep their layout) and
// merges the transposed delta; the layout comes from the model (PEFT itself forces fan_in_fan_out per Conv1D module).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { readSafetensorsHeader, readTensorFloat32, type TensorInfo } from '../io/safetensors';
import { readPrefixTable, type PrefixTable } from './prefix';
import { isPromptPeftType, readAdapterConfigJson, readPromptEmbeddings, type PromptEmbeddings } from './prompt';

export interface PeftLoraConfig {
  r: number;
  loraAlpha: number;
  useRslora: boolean;
  targetModules: string[] | string;
  rankPattern: Record<string, number>;
  alphaPattern: Record<string, number>;
  baseModel?: string;
}

export interface LoraModule {
  /** The module's name in the base model, as transformers names it: `model.layers.0.self_attn.q_proj`. */
  module: string;
  rank: number;
  inFeatures: number;
  outFeatures: number;
  /** alpha / r, or alpha / sqrt(r) with rsLoRA. */
  scale: number;
  /** [rank, in], row-major. */
  a: Float32Array;
  /** [out, rank], row-major. */
  b: Float32Array;
}

export interface PeftAdapter {
  dir: string;
  /** The LoRA settings; absent for a prompt-learning (prompt, P-, prefix tuning) adapter. */
  config?: PeftLoraConfig;
  /** LoRA modules by module name (empty for a prompt-tuning adapter). */
  modules: Map<string, LoraModule>;
  /** Prompt tuning and P-tuning: the virtual token embeddings placed before every input. */
  prompt?: PromptEmbeddings;
  /** Prefix tuning: every layer's key/value prefix. */
  prefix?: PrefixTable;
  /** Base weights saved with the adapter (a targeted lm_head's `base_layer`), by model weight name: `lm_head.weight`. */
  baseWeights?: Map<string, TensorInfo>;
}

const PREFIX = 'base_model.model.';
const LORA_KEY = /^base_model\.model\.(.+)\.lora_([AB])(?:\.default)?\.weight$/;
const BASE_LAYER_KEY = /^base_model\.model\.(.+)\.base_layer\.weight$/;

function readConfig(dir: string, json: Record<string, unknown>): PeftLoraConfig {
  const file = join(dir, 'adapter_config.json');
  const unsupported = (key: string, why: string) => new ModelFileError('unsupported-feature', file, why, { key });
  const bad = (key: string, why: string) => new ModelFileError('bad-config', file, why, { key });
  if (json.peft_type !== 'LORA') throw unsupported('peft_type', `peft_type ${JSON.stringify(json.peft_type)} is not supported (only LORA, PROMPT_TUNING, P_TUNING and PREFIX_TUNING)`);
  if (json.use_dora === true) throw unsupported('use_dora', 'DoRA adapters are not supported');
  if (json.bias !== undefined && json.bias !== 'none') throw unsupported('bias', `bias ${JSON.stringify(json.bias)} is not supported (only "none")`);
  const r = json.r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw bad('r', `r must be a positive integer, got ${JSON.stringify(r)}`);
  const alpha = json.lora_alpha ?? 8;
  if (typeof alpha !== 'number') throw bad('lora_alpha', `lora_alpha must be a number, got ${JSON.stringify(alpha)}`);
  const targets = json.target_modules ?? [];
  if (typeof targets !== 'string' && !(Array.isArray(targets) && targets.every((t) => typeof t === 'string'))) {
    throw bad('target_modules', 'target_modules must be a list of names or a regular expression');
  }
  const patterns = (key: string): Record<string, number> => {
    const value = json[key] ?? {};
    if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'number')) throw bad(key, `${key} must map names to numbers`);
    return value as Record<string, number>;
  };
  return {
    r,
    loraAlpha: alpha,
    useRslora: json.use_rslora === true,
    targetModules: targets as string[] | string,
    rankPattern: patterns('rank_pattern'),
    alphaPattern: patterns('alpha_pattern'),
    baseModel: typeof json.base_model_name_or_path === 'string' ? json.base_model_name_or_path : undefined,
  };
}

/** PEFT's get_pattern_key: a pattern applies to a module whose name is the pattern or ends with `.pattern`. */
function patternValue(patterns: Record<string, number>, module: string, fallback: number): number {
  for (const [pattern, value] of Object.entries(patterns)) {
    if (new RegExp(`(^|\\.)(${pattern})$`).test(module)) return value;
  }
  return fallback;
}

export function loraScale(config: PeftLoraConfig, module: string, rank: number): number {
  const alpha = patternValue(config.alphaPattern, module, config.loraAlpha);
  return config.useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
}

/** Reads and validates an adapter folder; every module must have both A and B with matching ranks. */
export function readPeftAdapter(dir: string): PeftAdapter {
  const json = readAdapterConfigJson(dir);
  if (json.peft_type === 'PREFIX_TUNING') return { dir, modules: new Map(), prefix: readPrefixTable(dir, json) };
  if (isPromptPeftType(json.peft_type)) return { dir, modules: new Map(), prompt: readPromptEmbeddings(dir, { ...json, peft_type: json.peft_type }) };
  const config = readConfig(dir, json);
  const file = join(dir, 'adapter_model.safetensors');
  if (!existsSync(file)) {
    const pickle = existsSync(join(dir, 'adapter_model.bin'));
    throw new ModelFileError(pickle ? 'pickle-weights' : 'missing-file', file, pickle ? 'only adapter_model.bin (pickle) found; save with safe_serialization=True' : 'no adapter_model.safetensors');
  }
  const header = readSafetensorsHeader(file);
  const halves = new Map<string, { A?: string; B?: string }>();
  const baseLayers = new Map<string, string>();
  for (const name of header.tensors.keys()) {
    const baseLayer = BASE_LAYER_KEY.exec(name);
    if (baseLayer) {
      baseLayers.set(baseLayer[1], name);
      continue;
    }
    const match = LORA_KEY.exec(name);
    if (!match) {
      if (name.startsWith(PREFIX)) throw new ModelFileError('unsupported-feature', file, 'not a LoRA A/B weight (modules_to_save and embedding adapters are not supported)', { tensor: name });
      throw new ModelFileError('bad-header', file, `tensor name does not start with '${PREFIX}'`, { tensor: name });
    }
    const entry = halves.get(match[1]) ?? {};
    entry[match[2] as 'A' | 'B'] = name;
    halves.set(match[1], entry);
  }
  const modules = new Map<string, LoraModule>();
  for (const [module, { A, B }] of halves) {
    if (!A || !B) throw new ModelFileError('missing-tensor', file, `module has lora_${A ? 'A' : 'B'} but no lora_${A ? 'B' : 'A'}`, { tensor: `${PREFIX}${module}.lora_${A ? 'B' : 'A'}.weight` });
    const infoA = header.tensors.get(A)!;
    const infoB = header.tensors.get(B)!;
    if (infoA.shape.length !== 2 || infoB.shape.length !== 2 || infoA.shape[0] !== infoB.shape[1]) {
      throw new ModelFileError('wrong-shape', file, `lora_A is [${infoA.shape}] and lora_B is [${infoB.shape}]; expected [r, in] and [out, r]`, { tensor: A });
    }
    const rank = infoA.shape[0];
    const expectedRank = patternValue(config.rankPattern, module, config.r);
    if (rank !== expectedRank) throw new ModelFileError('wrong-shape', file, `rank ${rank} differs from the config's ${expectedRank}`, { tensor: A });
    modules.set(module, {
      module,
      rank,
      inFeatures: infoA.shape[1],
      outFeatures: infoB.shape[0],
      scale: loraScale(config, module, rank),
      a: readTensorFloat32(infoA),
      b: readTensorFloat32(infoB),
    });
  }
  if (modules.size === 0) throw new ModelFileError('missing-tensor', file, 'the adapter holds no LoRA tensors');
  const baseWeights = new Map<string, TensorInfo>();
  for (const [module, name] of baseLayers) {
    // PEFT saves the base layer of a module it wrapped; one of a module without LoRA would be some other method's.
    if (!modules.has(module)) throw new ModelFileError('unsupported-feature', file, `a base_layer weight for '${module}', which the adapter does not target`, { tensor: name });
    const info = header.tensors.get(name)!;
    const lora = modules.get(module)!;
    if (info.shape.length !== 2 || info.shape[0] !== lora.outFeatures || info.shape[1] !== lora.inFeatures) {
      throw new ModelFileError('wrong-shape', file, `base_layer is [${info.shape}] but the module's LoRA is [${lora.outFeatures}, ${lora.inFeatures}]`, { tensor: name });
    }
    baseWeights.set(`${module}.weight`, info);
  }
  return { dir, config, modules, baseWeights };
}

/**
 * A model weight as PEFT loads base + adapter and merges it: the adapter's saved base layer (if any) in place of the
 * base's, plus scale·B·A for a LoRA module. `base` is the base model's value, returned as is when nothing applies;
 * `storedInOut`: the model stores this weight [in, out] (a Conv1D, see io/tensor-layout.ts isStoredInOut).
 */
export function adaptWeight(adapter: PeftAdapter, name: string, base: Float32Array, storedInOut = false): Float32Array {
  const saved = adapter.baseWeights?.get(name);
  const weight = saved ? readTensorFloat32(saved) : base;
  const lora = name.endsWith('.weight') ? adapter.modules.get(name.slice(0, -'.weight'.length)) : undefined;
  return lora ? mergeLora(weight, lora, storedInOut) : weight;
}

/**
 * W + scale·B·A for a base weight [out, in] (row-major), or W + (scale·B·A)ᵀ for one stored [in, out] (PEFT's
 * fan_in_fan_out merge); returns a new array, the base is left untouched.
 */
export function mergeLora(weight: Float32Array, lora: LoraModule, storedInOut = false): Float32Array {
  const { rank, inFeatures, outFeatures, scale, a, b } = lora;
  if (weight.length !== inFeatures * outFeatures) {
    const expected = storedInOut ? `[${inFeatures}, ${outFeatures}]` : `[${outFeatures}, ${inFeatures}]`;
    throw new Error(`${lora.module}: base weight has ${weight.length} elements, the adapter expects ${expected}`);
  }
  const merged = Float32Array.from(weight);
  // Element (row, column) of the [out, in] delta lives at row·in + column, or at column·out + row when transposed.
  const offset = (row: number, column: number) => (storedInOut ? column * outFeatures + row : row * inFeatures + column);
  for (let row = 0; row < outFeatures; row++) {
    for (let k = 0; k < rank; k++) {
      const coefficient = scale * b[row * rank + k];
      if (coefficient === 0) continue;
      const aRow = a.subarray(k * inFeatures, (k + 1) * inFeatures);
      for (let column = 0; column < inFeatures; column++) merged[offset(row, column)] += coefficient * aRow[column];
    }
  }
  return merged;
}
