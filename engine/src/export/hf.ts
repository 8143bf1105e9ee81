// `finetune export --format hf`: base + LoRA adapter merged into one Hugging Face model folder (safetensors in the
// base's dtype unless told otherwise, config and tokenizer files copied), loadable by transformers'
// `AutoModelForCausalLM.from_pretrained` with no PEFT. Prompt-tuning adapters have no weights to merge into.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPeftAdapter } from '../adapters/peft';
import { UserError } from '../../../contracts/src/user-error';
import type { SafetensorsDtype } from '../io/dtype';
import { loadModelFolder } from '../io/model-folder';
import { writeModelSafetensors } from '../io/safetensors-writer';
import { writeFileAtomic } from '../io/atomic-write';
import { mergedTensors } from './merge';
import { copyModelSideFiles, writeFolderAtomically } from './output-folder';

export const EXPORT_DTYPES = ['float32', 'float16', 'bfloat16'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

const SAFETENSORS_DTYPE: Record<ExportDtype, SafetensorsDtype> = { float32: 'F32', float16: 'F16', bfloat16: 'BF16' };
const TORCH_DTYPE: Partial<Record<SafetensorsDtype, ExportDtype>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

export interface HfExportOptions {
  model: string;
  adapter?: string;
  out: string;
  /** Default: the base model's weight dtype. */
  dtype?: ExportDtype;
  force?: boolean;
  /** Largest safetensors shard (default 5 GiB, as transformers' save_pretrained). */
  maxShardBytes?: number;
}

export interface HfExportResult {
  out: string;
  dtype: ExportDtype;
  files: string[];
  mergedModules: number;
}

/**
 * The base's config.json text with the dtype the weights are stored in (transformers reads torch_dtype; version 5
 * writes dtype): the values of those keys replaced (torch_dtype added where neither is), every other byte as the base
 * wrote it. A parse and re-stringify would turn 3.0 into 3, which transformers 5's strict config classes refuse for
 * float fields (Gemma 2's `final_logit_softcapping: 3` fails to load).
 */
export function configWithDtype(text: string, dtype: ExportDtype): string {
  let patched = text.replace(/("(?:torch_)?dtype"\s*:\s*)(?:"[^"\\]*"|null)/g, (_match, key: string) => `${key}"${dtype}"`);
  const keys = JSON.parse(patched) as Record<string, unknown>;
  if (!('torch_dtype' in keys) && !('dtype' in keys)) patched = patched.replace(/^\s*\{/, (open) => `${open}\n  "torch_dtype": "${dtype}",`);
  JSON.parse(patched);
  return patched;
}

export function exportHuggingFace(options: HfExportOptions): HfExportResult {
  const folder = loadModelFolder(options.model, { requireTokenizer: false });
  const adapter = options.adapter ? readPeftAdapter(options.adapter) : undefined;
  if (adapter?.prompt || adapter?.prefix) {
    const kind = adapter.prefix ? 'prefix-tuning' : adapter.prompt?.peftType === 'P_TUNING' ? 'P-tuning' : 'prompt-tuning';
    throw new UserError(`${options.adapter}: a ${kind} adapter has no weights to merge; use --format onnx (the ${adapter.prefix ? 'prefixes' : 'virtual tokens'} become part of the graph) or keep the adapter`, 'unsupported');
  }
  const dtype = options.dtype ?? TORCH_DTYPE[folder.weightDtype] ?? 'float32';
  const tensors = mergedTensors(folder, adapter);
  let files: string[] = [];
  writeFolderAtomically(options.out, options.force ?? false, (temporary) => {
    copyModelSideFiles(folder.dir, temporary, new Set(['adapter_config.json']));
    writeFileAtomic(join(temporary, 'config.json'), configWithDtype(readFileSync(join(folder.dir, 'config.json'), 'utf8'), dtype));
    const stored = SAFETENSORS_DTYPE[dtype];
    const weights = tensors.map((tensor) => ({ name: tensor.name, dtype: stored, shape: tensor.shape, data: tensor.read }));
    files = [...writeModelSafetensors(temporary, weights, options.maxShardBytes), 'config.json'];
  });
  return { out: options.out, dtype, files, mergedModules: tensors.filter((tensor) => tensor.merged).length };
}
