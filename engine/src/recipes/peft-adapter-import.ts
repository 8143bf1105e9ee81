// A PEFT LoRA adapter as an engine saved it, made readable by our adapter reader (adapters/peft.ts). With LoRA on
// lm_head of a model with tied embeddings, PEFT saves the frozen base weights too (`save_embedding_layers`:
// `…lm_head.base_layer.weight`, `…embed_tokens.weight`). LoRA never changes them, so they are the base's own
// weights: dropping them leaves the same adapter.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsFile } from '../io/safetensors';
import { writeSafetensors, type TensorToWrite } from '../io/safetensors-writer';

const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

/** LoRA factors (and DoRA magnitudes) are the adapter; anything else PEFT saved beside them is a frozen base copy. */
export function isLoraTensor(name: string): boolean {
  return /\.lora_(?:A|B|embedding_A|embedding_B|magnitude_vector)(?:\.[^.]+)?\.weight$|\.lora_(?:embedding_A|embedding_B)$/.test(name);
}

/** Copies adapter_config.json and the LoRA tensors of adapter_model.safetensors from `from` into `to`; returns what it dropped. */
export function copyLoraAdapter(from: string, to: string): string[] {
  copyFileSync(join(from, 'adapter_config.json'), join(to, 'adapter_config.json'));
  const { metadata, tensors } = readSafetensorsFile(join(from, ADAPTER_WEIGHTS));
  const dropped = [...tensors.keys()].filter((name) => !isLoraTensor(name));
  if (dropped.length === 0) {
    copyFileSync(join(from, ADAPTER_WEIGHTS), join(to, ADAPTER_WEIGHTS));
    return [];
  }
  const kept: TensorToWrite[] = [...tensors.values()].filter(({ info }) => isLoraTensor(info.name)).map(({ info, value }) => ({ name: info.name, dtype: info.dtype, shape: info.shape, data: value.data }));
  writeSafetensors(join(to, ADAPTER_WEIGHTS), kept, metadata);
  return dropped;
}
