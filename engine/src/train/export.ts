// Writing the result of a run: a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors, the layout
// `PeftModel.from_pretrained` loads) or, for full fine-tuning, a complete model folder in Hugging Face layout.
// Both are written into a temp folder and renamed into place, so a reader never sees half an adapter.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeModelSafetensors, writeSafetensors } from '../io/safetensors-writer';
import { writeJsonAtomic } from '../io/atomic-write';
import type { RunFolder } from '../run-folder/run-folder';

export interface LoraModuleWeights {
  /** Module path in the Hugging Face model, e.g. `model.layers.0.self_attn.q_proj`. */
  modulePath: string;
  inFeatures: number;
  outFeatures: number;
  /** [rank, in] row-major. */
  loraA: Float32Array;
  /** [out, rank] row-major. */
  loraB: Float32Array;
}

export interface LoraAdapterSettings {
  baseModel: string;
  rank: number;
  alpha: number;
  dropout: number;
  targetModules: string[];
  rslora: boolean;
  /** PEFT's fan_in_fan_out: the targets are Conv1D modules whose weights are stored [in, out] (GPT-2). */
  fanInFanOut?: boolean;
}

/** PEFT's LoraConfig fields as `save_pretrained` writes them (peft ≥ 0.7); readers ignore what they do not know. */
export function adapterConfig(settings: LoraAdapterSettings): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: resolve(settings.baseModel),
    r: settings.rank,
    lora_alpha: settings.alpha,
    lora_dropout: settings.dropout,
    target_modules: [...settings.targetModules],
    use_rslora: settings.rslora,
    use_dora: false,
    bias: 'none',
    fan_in_fan_out: settings.fanInFanOut ?? false,
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    revision: null,
  };
}

export function adapterTensorName(modulePath: string, which: 'lora_A' | 'lora_B'): string {
  return `base_model.model.${modulePath}.${which}.weight`;
}

export function writePeftAdapter(run: RunFolder, folder: string, settings: LoraAdapterSettings, modules: readonly LoraModuleWeights[]): void {
  run.replaceFolder(folder, (temporary) => {
    writeJsonAtomic(join(temporary, 'adapter_config.json'), adapterConfig(settings));
    writeSafetensors(
      join(temporary, 'adapter_model.safetensors'),
      modules.flatMap((module) => [
        { name: adapterTensorName(module.modulePath, 'lora_A'), dtype: 'F32' as const, shape: [settings.rank, module.inFeatures], data: module.loraA },
        { name: adapterTensorName(module.modulePath, 'lora_B'), dtype: 'F32' as const, shape: [module.outFeatures, settings.rank], data: module.loraB },
      ]),
      { format: 'pt' },
    );
  });
}

/** Files of a model folder that are not weights (config, tokenizer, chat template, generation config). */
export function isModelSideFile(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.safetensors.index.json') || name.endsWith('.jinja') || name === 'tokenizer.model';
}

/** A full model: every weight by its Hugging Face name (trained ones replaced), plus the base's config/tokenizer files. */
export function writeFullModel(
  run: RunFolder,
  folder: string,
  baseModel: string,
  weights: ReadonlyArray<{ name: string; shape: number[]; data: Float32Array }>,
): void {
  run.replaceFolder(folder, (temporary) => {
    for (const name of readdirSync(baseModel)) {
      if (isModelSideFile(name) && existsSync(join(baseModel, name))) copyFileSync(join(baseModel, name), join(temporary, name));
    }
    writeModelSafetensors(temporary, weights.map((weight) => ({ name: weight.name, dtype: 'F32' as const, shape: weight.shape, data: weight.data })));
  });
}
