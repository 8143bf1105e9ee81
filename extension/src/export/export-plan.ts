// The pure part of "Export Run…" (no vscode imports, so Node tests cover it): the formats a run offers, the default
// output folder, and the `finetune export` arguments. The export itself runs in a child process (cli-process.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { resolveRunTarget, type RunTarget } from '../../../engine/src/evaluate/run-target';

export type ExportFormat = 'hf' | 'onnx' | 'adapter';
export const EXPORT_DTYPES = ['float32', 'float16', 'bfloat16'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

export interface FormatChoice {
  format: ExportFormat;
  label: string;
  detail: string;
}

export interface ExportRequest {
  runDir: string;
  format: ExportFormat;
  out: string;
  dtype?: ExportDtype;
  force?: boolean;
}

/** What a run can be exported as: a LoRA run all three, a prompt-tuning run ONNX or its adapter, a full run hf/onnx. */
export function formatChoices(target: RunTarget): FormatChoice[] {
  const choices: FormatChoice[] = [];
  const prompt = target.adapter !== undefined && isPromptAdapter(target.adapter);
  if (!prompt) {
    choices.push({
      format: 'hf',
      label: target.adapter ? 'Merged Hugging Face model' : 'Hugging Face model',
      detail: target.adapter ? 'base + adapter merged into safetensors: loads with transformers, no PEFT needed' : 'the fine-tuned weights as safetensors, in the dtype you choose',
    });
  }
  choices.push({ format: 'onnx', label: 'ONNX for inference', detail: 'model.onnx with a KV cache, for onnxruntime (float32)' });
  if (target.adapter) choices.push({ format: 'adapter', label: 'PEFT adapter (copy)', detail: 'adapter_config.json + adapter_model.safetensors, to load with peft on the base model' });
  return choices;
}

function isPromptAdapter(adapter: string): boolean {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(adapter, 'adapter_config.json'), 'utf8')) as { peft_type?: unknown };
    return config.peft_type === 'PROMPT_TUNING' || config.peft_type === 'P_TUNING' || config.peft_type === 'PREFIX_TUNING';
  } catch {
    return false;
  }
}

export function defaultExportFolder(runDir: string, format: ExportFormat): string {
  return path.join(runDir, `export-${format}`);
}

/** An output folder typed by the user: absolute, or relative to the run folder. */
export function resolveExportFolder(runDir: string, typed: string): string {
  return path.resolve(runDir, typed.trim());
}

/** Why an output folder cannot be used, or undefined. The run's own files must survive a `--force`. */
export function checkExportFolder(runDir: string, out: string): string | undefined {
  const run = path.resolve(runDir);
  const resolved = path.resolve(out);
  if (resolved === run) return 'That is the run folder itself: choose a folder inside or beside it.';
  const protectedFolders = (['adapter', 'model', 'checkpoints'] as const).map((entry) => runFolderPath(run, entry));
  if (protectedFolders.some((folder) => resolved === folder || resolved.startsWith(folder + path.sep))) return 'That folder holds the run\'s own results: choose another one.';
  if (run.startsWith(resolved + path.sep)) return 'That folder contains the run: choose a folder inside or beside it.';
  if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) return 'A file of that name exists.';
  return undefined;
}

export function isNonEmptyFolder(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length > 0;
  } catch {
    return false;
  }
}

/** The `finetune export` arguments for hf/onnx (the adapter format is a copy, not a CLI call). */
export function exportCliArgs(request: ExportRequest, target: RunTarget = resolveRunTarget(request.runDir)): string[] {
  if (request.format === 'adapter') throw new Error('the adapter format is copied, not exported through the CLI');
  const args = ['export', '--model', target.model];
  if (target.adapter) args.push('--adapter', target.adapter);
  args.push('--out', path.resolve(request.out), '--format', request.format);
  if (request.dtype && request.format === 'hf') args.push('--dtype', request.dtype);
  if (request.force) args.push('--force');
  return args;
}

/** The temporary folder `finetune export` fills beside the destination (see engine/src/export/output-folder.ts). */
export function exportTemporaryFolder(out: string, pid: number): string {
  const resolved = path.resolve(out);
  return path.join(path.dirname(resolved), `.${path.basename(resolved)}.tmp-${pid}`);
}
