// Test helper: a naive float64 forward of the Llama family written straight from transformers' modeling code
// (loops, no graph), to check the ONNX graph's padding, caching and output heads on configs the golden fixtures
// do not cover. The PyTorch golden fixtures remain the authority on transformers semantics.
import { ropeInverseFrequencies, type ModelConfig } from '../../../engine/src/io/config';

type Matrix = Float64Array<ArrayBufferLike>[]; // rows

export type WeightLookup = (name: string) => Float32Array;

function linear(x: Matrix, weight: Float32Array, outFeatures: number, bias?: Float32Array): Matrix {
  const inFeatures = weight.length / outFeatures;
  return x.map((row) => {
    const out = new Float64Array(outFeatures);
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) sum += row[i] * weight[o * inFeatures + i];
      out[o] = sum;
    }
    return out;
  });
}

function rmsNormRow(row: Float64Array, weight: Float32Array, eps: number): Float64Array {
  let mean = 0;
  for (const v of row) mean += v * v;
  mean /= row.length;
  const scale = 1 / Math.sqrt(mean + eps);
  return row.map((v, i) => v * scale * weight[i]);
}

function rotate(vector: Float64Array, position: number, inverse: Float64Array): Float64Array {
  const half = vector.length / 2;
  const out = new Float64Array(vector.length);
  for (let i = 0; i < half; i++) {
    const angle = position * Math.fround(inverse[i]);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    out[i] = vector[i] * c - vector[i + half] * s;
    out[i + half] = vector[i + half] * c + vector[i] * s;
  }
  return out;
}

/**
 * Logits [seq][vocab] for one sequence. `mask` marks real tokens (1) and padding (0); `positions` defaults to
 * 0..seq-1; `prefix` embeddings (prompt tuning) are placed before the tokens and their logits dropped.
 */
export function referenceLogits(config: ModelConfig, w: WeightLookup, ids: number[], options: { mask?: number[]; positions?: number[]; prefix?: Float32Array[] } = {}): Matrix {
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, rmsNormEps: eps } = config;
  const embed = w('model.embed_tokens.weight');
  const prefix = options.prefix ?? [];
  let x: Matrix = [...prefix.map((row) => Float64Array.from(row)), ...ids.map((id) => Float64Array.from(embed.subarray(id * hidden, (id + 1) * hidden)))];
  const length = x.length;
  const mask = [...prefix.map(() => 1), ...(options.mask ?? ids.map(() => 1))];
  const positions = options.positions ?? x.map((_, i) => i);
  const inverse = ropeInverseFrequencies(config);
  const repeats = numHeads / numKvHeads;
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `model.layers.${layer}`;
    const a = `${p}.self_attn`;
    const normed = x.map((row) => rmsNormRow(row, w(`${p}.input_layernorm.weight`), eps));
    const bias = (name: string) => (config.qkvBias ? w(`${a}.${name}.bias`) : undefined);
    const q = linear(normed, w(`${a}.q_proj.weight`), numHeads * headDim, bias('q_proj'));
    const k = linear(normed, w(`${a}.k_proj.weight`), numKvHeads * headDim, bias('k_proj'));
    const v = linear(normed, w(`${a}.v_proj.weight`), numKvHeads * headDim, bias('v_proj'));
    const head = (m: Matrix, t: number, h: number, name?: string) => {
      let vector: Float64Array<ArrayBufferLike> = m[t].slice(h * headDim, (h + 1) * headDim);
      if (config.qkNorm && name) vector = rmsNormRow(vector, w(`${a}.${name}.weight`), eps);
      return vector;
    };
    const attended: Matrix = [];
    for (let t = 0; t < length; t++) {
      const out = new Float64Array(numHeads * headDim);
      for (let h = 0; h < numHeads; h++) {
        const kvHead = Math.floor(h / repeats);
        const query = rotate(head(q, t, h, 'q_norm'), positions[t], inverse);
        const scores: number[] = [];
        for (let s = 0; s < length; s++) {
          const visible = s <= t && mask[s] === 1 && (config.slidingWindow === null || t - s < config.slidingWindow);
          if (!visible) {
            scores.push(-Infinity);
            continue;
          }
          const key = rotate(head(k, s, kvHead, 'k_norm'), positions[s], inverse);
          let dot = 0;
          for (let d = 0; d < headDim; d++) dot += query[d] * key[d];
          scores.push(dot / Math.sqrt(headDim));
        }
        const max = Math.max(...scores);
        const exps = scores.map((sc) => (sc === -Infinity ? 0 : Math.exp(sc - max)));
        const total = exps.reduce((p, c) => p + c, 0);
        for (let s = 0; s < length; s++) {
          if (exps[s] === 0) continue;
          const value = head(v, s, kvHead);
          for (let d = 0; d < headDim; d++) out[h * headDim + d] += (exps[s] / total) * value[d];
        }
      }
      attended.push(out);
    }
    const projected = linear(attended, w(`${a}.o_proj.weight`), hidden, config.outputBias ? w(`${a}.o_proj.bias`) : undefined);
    x = x.map((row, t) => row.map((value, i) => value + projected[t][i]));
    const normed2 = x.map((row) => rmsNormRow(row, w(`${p}.post_attention_layernorm.weight`), eps));
    const gate = linear(normed2, w(`${p}.mlp.gate_proj.weight`), config.intermediateSize);
    const up = linear(normed2, w(`${p}.mlp.up_proj.weight`), config.intermediateSize);
    const act = gate.map((row, t) => row.map((g, i) => (g / (1 + Math.exp(-g))) * up[t][i]));
    const down = linear(act, w(`${p}.mlp.down_proj.weight`), hidden);
    x = x.map((row, t) => row.map((value, i) => value + down[t][i]));
  }
  const final = x.slice(prefix.length).map((row) => rmsNormRow(row, w('model.norm.weight'), eps));
  return linear(final, w(config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'), config.vocabSize);
}

export function logSoftmaxRow(row: Float64Array): Float64Array {
  const max = Math.max(...row);
  const logSum = Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0)) + max;
  return row.map((v) => v - logSum);
}
