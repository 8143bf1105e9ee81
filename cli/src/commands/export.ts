// `finetune export`: a base model plus a PEFT adapter as one deployable model — a merged Hugging Face folder
// (--format hf, the default) or an ONNX graph with a KV cache for onnxruntime (--format onnx). engine/src/export.
import { EXPORT_DTYPES, exportHuggingFace, type ExportDtype } from '../../../engine/src/export/hf';
import { exportOnnx } from '../../../engine/src/export/onnx';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune export --model DIR [--adapter DIR] --out DIR [--format hf|onnx] [--dtype T] [--force]

Writes base + adapter as one model.
  --model DIR       base model folder (Hugging Face layout)
  --adapter DIR     PEFT adapter folder (LoRA; prompt, P- or prefix tuning with --format onnx only)
  --out DIR         destination folder (must be empty or absent unless --force)
  --format hf       merged Hugging Face folder: safetensors + config/tokenizer files (default)
  --format onnx     model.onnx (+ model.onnx.data when over 2 GB) with a KV cache, + config/tokenizer files
  --dtype T         hf only: float32 | float16 | bfloat16 (default: the base model's dtype)
  --force           replace a non-empty --out folder`;

export const command: Command = {
  summary: 'merge an adapter into its base model (Hugging Face folder or ONNX)',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        model: { type: 'string' },
        adapter: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string', default: 'hf' },
        dtype: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (!values.model) throw new UserError('--model DIR is required', 'bad-flag');
    if (!values.out) throw new UserError('--out DIR is required', 'bad-flag');
    if (values.format !== 'hf' && values.format !== 'onnx') throw new UserError(`--format: expected hf or onnx, got '${values.format}'`, 'bad-flag');
    if (values.dtype !== undefined && !(EXPORT_DTYPES as readonly string[]).includes(values.dtype)) throw new UserError(`--dtype: expected ${EXPORT_DTYPES.join(', ')}, got '${values.dtype}'`, 'bad-flag');
    if (values.dtype !== undefined && values.format === 'onnx') throw new UserError('--dtype applies to --format hf only (the ONNX export is float32)', 'bad-flag');
    const started = performance.now();
    if (values.format === 'hf') {
      const result = exportHuggingFace({ model: values.model, adapter: values.adapter, out: values.out, dtype: values.dtype as ExportDtype | undefined, force: values.force });
      console.log(`wrote ${result.out} (${result.dtype}, ${result.mergedModules} modules merged): ${result.files.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } else {
      const result = exportOnnx({ model: values.model, adapter: values.adapter, out: values.out, force: values.force });
      console.log(`wrote ${result.out}${result.externalData ? ' (external data)' : ''}: ${result.files.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    return 0;
  },
};
