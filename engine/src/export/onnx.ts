// `finetune export --format onnx`: the merged model (LoRA merged into the weights, or a prompt-tuning adapter's
// virtual tokens as a constant prefix) as an inference ONNX graph with a KV cache, plus the tokenizer and config
// files, for onnxruntime users. Weights are float32; over protobuf's 2 GB limit they go to `model.onnx.data`.
//
// Inputs:  input_ids int64 [batch, seq]; attention_mask int64 [batch, past_seq + seq]; position_ids int64
//          [batch, seq]; past_key_values.{i}.key / .value float32 [batch, kv_heads, past_seq, head_dim] (past_seq 0
//          for the prompt).
// Outputs: logits float32 [batch, seq, vocab]; present.{i}.key / .value [batch, kv_heads, past_seq + seq, head_dim].
import { readPeftAdapter } from '../adapters/peft';
import { writeModel } from '../graph';
import { loadModelFolder } from '../io/model-folder';
import { buildInferenceGraph } from '../models/from-folder';
import { join } from 'node:path';
import { copyModelSideFiles, writeFolderAtomically } from './output-folder';

export interface OnnxExportOptions {
  model: string;
  adapter?: string;
  out: string;
  force?: boolean;
  /** 'auto' (default): external data only over the 2 GB protobuf limit. */
  externalData?: 'auto' | 'always' | 'never';
}

export interface OnnxExportResult {
  out: string;
  files: string[];
  externalData: boolean;
}

export const ONNX_MODEL_FILE = 'model.onnx';

export function exportOnnx(options: OnnxExportOptions): OnnxExportResult {
  const folder = loadModelFolder(options.model, { requireTokenizer: false });
  const adapter = options.adapter ? readPeftAdapter(options.adapter) : undefined;
  const { graph } = buildInferenceGraph(folder, { output: { kind: 'logits' }, kvCache: true, positionIds: 'input', adapter, name: 'causal_lm_with_past' });
  let files: string[] = [];
  let externalData = false;
  writeFolderAtomically(options.out, options.force ?? false, (temporary) => {
    const { dataPath } = writeModel(graph, join(temporary, ONNX_MODEL_FILE), { externalData: options.externalData ?? 'auto' });
    externalData = dataPath !== undefined;
    files = [ONNX_MODEL_FILE, ...(externalData ? [`${ONNX_MODEL_FILE}.data`] : []), ...copyModelSideFiles(folder.dir, temporary, new Set(['adapter_config.json']))];
  });
  return { out: options.out, files, externalData };
}
