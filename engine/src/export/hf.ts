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
import { writeJsonAtomic } from '../io/atomic-write';
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

export function exportHuggingFace(options: HfExportOptions): HfExportResult {
  const folder = loadModelFolder(options.model);
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
    // The config records the dtype the weights are stored in (transformers reads torch_dtype; newer versions dtype).
    const config = JSON.parse(readFileSync(join(folder.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    config.torch_dtype = dtype;
    if ('dtype' in config) config.dtype = dtype;
    writeJsonAtomic(join(temporary, 'config.json'), config);
    const stored = SAFETENSORS_DTYPE[dtype];
    const weights = tensors.map((tensor) => ({ name: tensor.name, dtype: stored, shape: tensor.shape, data: tensor.read }));
    files = [...writeModelSafetensors(temporary, weights, options.maxShardBytes), 'config.json'];
  });
  return { out: options.out, dtype, files, mergedModules: tensors.filter((tensor) => tensor.merged).length };
}
