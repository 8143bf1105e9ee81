// Random models at the shapes of real checkpoints (Qwen2.5-0.5B and -1.5B), in Qwen2 layout, for the memory and
// speed figures of `npm run bench`: init-model's presets stop at 8k vocabulary, and a 152k vocabulary is where the
// logits dominate memory. No tokenizer: the bench feeds random token ids.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initialTensor } from '../engine/src/init/random-weights';
import { parseModelConfig } from '../engine/src/io/config';
import { writeSafetensors } from '../engine/src/io/safetensors-writer';
import { expectedTensors } from '../engine/src/io/tensor-layout';

export interface Qwen2Shape {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  vocabSize: number;
}

/** config.json shapes of Qwen/Qwen2.5-0.5B and Qwen/Qwen2.5-1.5B (both tie their embeddings). */
export const QWEN_SHAPES = {
  'qwen2.5-0.5b': { hiddenSize: 896, intermediateSize: 4864, numLayers: 24, numHeads: 14, numKvHeads: 2, vocabSize: 151_936 },
  'qwen2.5-1.5b': { hiddenSize: 1536, intermediateSize: 8960, numLayers: 28, numHeads: 12, numKvHeads: 2, vocabSize: 151_936 },
} satisfies Record<string, Qwen2Shape>;

export type ShapeName = keyof typeof QWEN_SHAPES;

/** Writes the folder (bf16 weights, as the Hub's checkpoints) unless it is already there; returns it. */
export function writeShapedModel(name: ShapeName, out: string, seed = 1): string {
  if (existsSync(join(out, 'model.safetensors'))) return out;
  const shape: Qwen2Shape = QWEN_SHAPES[name];
  mkdirSync(out, { recursive: true });
  const raw = {
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    hidden_act: 'silu',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.numLayers,
    num_attention_heads: shape.numHeads,
    num_key_value_heads: shape.numKvHeads,
    vocab_size: shape.vocabSize,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    rope_theta: 1_000_000,
    tie_word_embeddings: true,
    torch_dtype: 'bfloat16',
    use_sliding_window: false,
    sliding_window: null,
    bos_token_id: 151643,
    eos_token_id: 151643,
  };
  const config = parseModelConfig(raw);
  const tensors = expectedTensors(config).map((tensor) => ({ name: tensor.name, dtype: 'BF16' as const, shape: tensor.shape, data: () => initialTensor(tensor, seed) }));
  writeSafetensors(join(out, 'model.safetensors'), tensors, { format: 'pt' });
  writeFileSync(join(out, 'config.json'), JSON.stringify(raw, null, 2) + '\n');
  return out;
}
