// The decoder layers run one after another, as every architecture runs them: under gradient checkpointing (training
// without a cache) each layer keeps only its input and runs again in the backward; otherwise each layer gets its slice
// of the past keys/values and hands back its own for the next decoding step.
import { checkpoint, rmsNorm } from '../autodiff/composites';
import { ops, type Value } from '../graph';

export type KeyValues = { key: Value; value: Value };
export type LayerBlock = (layer: number, x: Value, past?: KeyValues) => { output: Value } & KeyValues;

export function runLayers(
  numLayers: number,
  hidden: Value,
  block: LayerBlock,
  options: { checkpointLayers: boolean; past?: readonly KeyValues[] },
): { hidden: Value; present: KeyValues[] } {
  const present: KeyValues[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const past = options.past?.[layer];
    if (options.checkpointLayers) {
      // A prefix's keys and values (the only past in training) are captured by the segment, so their gradients flow.
      hidden = checkpoint([hidden], ([x]) => [block(layer, x, past).output])[0];
      continue;
    }
    const result = block(layer, hidden, past);
    hidden = result.output;
    present.push({ key: result.key, value: result.value });
  }
  return { hidden, present };
}

/**
 * The Llama-family decoder layer (Llama, Qwen, SmolLM3, Phi-3): x + attention(RMSNorm(x)), then + mlp(RMSNorm(·)),
 * with the norms `${prefix}.input_layernorm` and `${prefix}.post_attention_layernorm`.
 */
export function preNormBlock(
  parameter: (name: string) => Value,
  prefix: string,
  eps: number,
  x: Value,
  attention: (normed: Value) => { output: Value } & KeyValues,
  mlp: (normed: Value) => Value,
): { output: Value } & KeyValues {
  const attended = attention(rmsNorm(x, parameter(`${prefix}.input_layernorm.weight`), eps));
  const afterAttention = ops.add(x, attended.output);
  const output = ops.add(afterAttention, mlp(rmsNorm(afterAttention, parameter(`${prefix}.post_attention_layernorm.weight`), eps)));
  return { output, key: attended.key, value: attended.value };
}
