// The tensors a checkpoint holds, with the shapes config.json implies (transformers' parameter names; nn.Linear
// weights are [out_features, in_features], GPT-2's Conv1D weights [in_features, out_features]). Used to check a folder on load, to write random models, and
// by the graph builders to find their weights.
import type { ModelConfig } from './config';

export interface ExpectedTensor {
  name: string;
  shape: number[];
  /** What the tensor is, for the initialiser: norms start at one, biases at zero, the rest random. */
  kind: 'embedding' | 'linear' | 'bias' | 'norm';
  /** A Conv1D weight (GPT-2), stored [in, out]: PEFT's fan_in_fan_out layout. */
  storedInOut?: true;
}

/** GPT-2's projections are transformers' Conv1D, whose weight is stored [in, out] (transposed from nn.Linear). */
const CONV1D_WEIGHT = /^transformer\.h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;

/** Whether a weight of this model is stored [in, out] (Conv1D) rather than nn.Linear's [out, in]. */
export function isStoredInOut(config: Pick<ModelConfig, 'arch'>, weightName: string): boolean {
  return config.arch === 'gpt2' && CONV1D_WEIGHT.test(weightName);
}

export function layerPrefix(layer: number): string {
  return `model.layers.${layer}`;
}

/** The token embedding table's weight name ([vocab, hidden]). */
export function embeddingWeightName(config: Pick<ModelConfig, 'arch'>): string {
  return config.arch === 'gpt2' ? 'transformer.wte.weight' : 'model.embed_tokens.weight';
}

/** The config keys that set the layer count and the hidden size, as this architecture's config.json spells them. */
export function sizeKeys(config: Pick<ModelConfig, 'arch'>): { layers: string; hidden: string } {
  return config.arch === 'gpt2' ? { layers: 'n_layer', hidden: 'n_embd' } : { layers: 'num_hidden_layers', hidden: 'hidden_size' };
}

export function expectedTensors(config: ModelConfig): ExpectedTensor[] {
  if (config.arch === 'gpt2') return gpt2Tensors(config);
  if (config.arch === 'phi3') return phi3Tensors(config);
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
    if (config.arch === 'gemma2' || config.arch === 'gemma3_text') {
      // Gemma 2 and 3 norm the MLP's input and output too (post_attention_layernorm norms the attention's output there).
      tensors.push({ name: `${p}.pre_feedforward_layernorm.weight`, shape: [hidden], kind: 'norm' });
      tensors.push({ name: `${p}.post_feedforward_layernorm.weight`, shape: [hidden], kind: 'norm' });
    }
    tensors.push({ name: `${p}.mlp.gate_proj.weight`, shape: [inter, hidden], kind: 'linear' });
    tensors.push({ name: `${p}.mlp.up_proj.weight`, shape: [inter, hidden], kind: 'linear' });
    tensors.push({ name: `${p}.mlp.down_proj.weight`, shape: [hidden, inter], kind: 'linear' });
  }
  tensors.push({ name: 'model.norm.weight', shape: [hidden], kind: 'norm' });
  if (!config.tieWordEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [vocabSize, hidden], kind: 'linear' });
  return tensors;
}

/** Phi3ForCausalLM: Llama's tensors with q/k/v fused into qkv_proj and gate/up into gate_up_proj. */
function phi3Tensors(config: ModelConfig): ExpectedTensor[] {
  const { hiddenSize: hidden, intermediateSize: inter, headDim, numHeads, numKvHeads, vocabSize } = config;
  const tensors: ExpectedTensor[] = [{ name: 'model.embed_tokens.weight', shape: [vocabSize, hidden], kind: 'embedding' }];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = layerPrefix(layer);
    tensors.push({ name: `${p}.input_layernorm.weight`, shape: [hidden], kind: 'norm' });
    tensors.push({ name: `${p}.self_attn.qkv_proj.weight`, shape: [(numHeads + 2 * numKvHeads) * headDim, hidden], kind: 'linear' });
    tensors.push({ name: `${p}.self_attn.o_proj.weight`, shape: [hidden, numHeads * headDim], kind: 'linear' });
    tensors.push({ name: `${p}.post_attention_layernorm.weight`, shape: [hidden], kind: 'norm' });
    tensors.push({ name: `${p}.mlp.gate_up_proj.weight`, shape: [2 * inter, hidden], kind: 'linear' });
    tensors.push({ name: `${p}.mlp.down_proj.weight`, shape: [hidden, inter], kind: 'linear' });
  }
  tensors.push({ name: 'model.norm.weight', shape: [hidden], kind: 'norm' });
  if (!config.tieWordEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [vocabSize, hidden], kind: 'linear' });
  return tensors;
}

/** GPT2LMHeadModel: token and position embeddings, LayerNorms with bias, Conv1D projections with bias. */
function gpt2Tensors(config: ModelConfig): ExpectedTensor[] {
  const { hiddenSize: hidden, intermediateSize: inter, vocabSize } = config;
  const conv1d = (name: string, inFeatures: number, outFeatures: number): ExpectedTensor[] => [
    { name: `${name}.weight`, shape: [inFeatures, outFeatures], kind: 'linear', storedInOut: true },
    { name: `${name}.bias`, shape: [outFeatures], kind: 'bias' },
  ];
  const layerNorm = (name: string): ExpectedTensor[] => [
    { name: `${name}.weight`, shape: [hidden], kind: 'norm' },
    { name: `${name}.bias`, shape: [hidden], kind: 'bias' },
  ];
  const tensors: ExpectedTensor[] = [
    { name: 'transformer.wte.weight', shape: [vocabSize, hidden], kind: 'embedding' },
    { name: 'transformer.wpe.weight', shape: [config.maxPositionEmbeddings, hidden], kind: 'embedding' },
  ];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `transformer.h.${layer}`;
    tensors.push(...layerNorm(`${p}.ln_1`), ...conv1d(`${p}.attn.c_attn`, hidden, 3 * hidden), ...conv1d(`${p}.attn.c_proj`, hidden, hidden));
    tensors.push(...layerNorm(`${p}.ln_2`), ...conv1d(`${p}.mlp.c_fc`, hidden, inter), ...conv1d(`${p}.mlp.c_proj`, inter, hidden));
  }
  tensors.push(...layerNorm('transformer.ln_f'));
  if (!config.tieWordEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [vocabSize, hidden], kind: 'linear' });
  return tensors;
}

export function parameterCount(config: ModelConfig): number {
  return expectedTensors(config).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}
