// Test helper: writes a random tiny model folder (config.json + model.safetensors, no tokenizer) for a config,
// with weights drawn from a seeded generator at a scale that keeps activations interesting (not all-uniform logits).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelConfig } from '../../../engine/src/io/config';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { expectedTensors } from '../../../engine/src/io/tensor-layout';
import { SeededRandom } from '../../../engine/src/train/random';

export const TINY_CONFIGS: Record<string, Record<string, unknown>> = {
  // GQA (4 heads over 2 kv heads), tied embeddings, llama3 rope scaling.
  llama: {
    model_type: 'llama', vocab_size: 61, hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2,
    num_attention_heads: 4, num_key_value_heads: 2, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true,
    max_position_embeddings: 128, bos_token_id: 1, eos_token_id: 2,
    rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 },
  },
  // q/k/v biases, untied head, no GQA.
  qwen2: {
    model_type: 'qwen2', vocab_size: 53, hidden_size: 24, intermediate_size: 40, num_hidden_layers: 2,
    num_attention_heads: 3, num_key_value_heads: 3, rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: false,
    max_position_embeddings: 128, eos_token_id: 2,
  },
  // q/k norms per head, explicit head_dim different from hidden/heads, GQA.
  qwen3: {
    model_type: 'qwen3', vocab_size: 47, hidden_size: 32, intermediate_size: 40, num_hidden_layers: 2, head_dim: 16,
    num_attention_heads: 4, num_key_value_heads: 1, rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: true,
    max_position_embeddings: 128, eos_token_id: 2,
  },
};

/** Writes the folder and returns its path and a cleanup function. */
export function writeTinyModel(configJson: Record<string, unknown>, seed = 1): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-tiny-'));
  const config = parseModelConfig(configJson);
  const random = new SeededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const tensors = expectedTensors(config).map((tensor) => {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      // Norm weights near one and biases near zero, but not exactly, so a misplaced one changes the output.
      if (tensor.kind === 'norm') data[i] = 1 + 0.1 * normal();
      else if (tensor.kind === 'bias') data[i] = 0.1 * normal();
      else data[i] = normal() / Math.sqrt(tensor.kind === 'embedding' ? 1 : tensor.shape[1]);
    }
    return { name: tensor.name, dtype: 'F32' as const, shape: tensor.shape, data };
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(configJson));
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
