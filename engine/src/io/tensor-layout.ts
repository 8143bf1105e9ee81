// The tensors a Llama-family checkpoint holds, with the shapes config.json implies (transformers' parameter names;
// nn.Linear weights are [out_features, in_features]). Used to check a folder on load, to write random models, and
// by the graph builders to find their weights.
import type { ModelConfig } from './config';

export interface ExpectedTensor {
  name: string;
  shape: number[];
  /** What the tensor is, for the initialiser: norms start at one, biases at zero, the rest random. */
  kind: 'embedding' | 'linear' | 'bias' | 'norm';
}

export function layerPrefix(layer: number): string {
  return `model.layers.${layer}`;
}

export function expectedTensors(config: ModelConfig): ExpectedTensor[] {
  const { hiddenSize: hidden, intermediateSize: inter, headDim, numHeads, numKvHeads, vocabSize } = config;
  const tensors: ExpectedTensor[] = [{ name: 'model.embed_tokens.weight', shape: [vocabSize, hidden], kind: 'embedding' }];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = layerPrefix(layer);
    const attention = `${p}.self_attn`;
    tensors.push({ name: `${p}.input_layernorm.weight`, shape: [hidden], kind: 'norm' });
    for (const [proj, heads] of [['q_proj', numHeads], ['k_proj', numKvHeads], ['v_proj', numKvHeads]] as const) {
      tensors.push({ name: `${attention}.${proj}.weight`, shape: [heads * headDim, hidden], kind: 'linear' });
      if (config.qkvBias) tensors.push({ name: `${attention}.${proj}.bias`, shape: [heads * headDim], kind: 'bias' });
    }
    tensors.push({ name: `${attention}.o_proj.weight`, shape: [hidden, numHeads * headDim], kind: 'linear' });
    if (config.outputBias) tensors.push({ name: `${attention}.o_proj.bias`, shape: [hidden], kind: 'bias' });
    if (config.qkNorm) {
      tensors.push({ name: `${attention}.q_norm.weight`, shape: [headDim], kind: 'norm' });
      tensors.push({ name: `${attention}.k_norm.weight`, shape: [headDim], kind: 'norm' });
    }
    tensors.push({ name: `${p}.post_attention_layernorm.weight`, shape: [hidden], kind: 'norm' });
    tensors.push({ name: `${p}.mlp.gate_proj.weight`, shape: [inter, hidden], kind: 'linear' });
    tensors.push({ name: `${p}.mlp.up_proj.weight`, shape: [inter, hidden], kind: 'linear' });
    tensors.push({ name: `${p}.mlp.down_proj.weight`, shape: [hidden, inter], kind: 'linear' });
  }
  tensors.push({ name: 'model.norm.weight', shape: [hidden], kind: 'norm' });
  if (!config.tieWordEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [vocabSize, hidden], kind: 'linear' });
  return tensors;
}

export function parameterCount(config: ModelConfig): number {
  return expectedTensors(config).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}
