// Prefix tuning's trainable table as PEFT's PrefixEncoder builds it: without --prefix-projection the prefix table
// [N, layers·2·kvDim] itself (an Embedding, N(0, 1)); with it, an embedding [N, kvDim] reparameterised by
// Linear(kvDim, e) → Tanh → Linear(e, layers·2·kvDim) (Li & Liang 2021's MLP, which steadies training). kvDim is
// numKvHeads·headDim: one prefix per key/value head (PEFT's GQA handling). Names as in PEFT's state dict.
import { ops, type Value } from '../../graph';
import type { EncoderParameter } from './encoder-graph';
import { applyLinear, linearParameters } from './encoder-graph';
import { ENCODER_EMBEDDING } from './prompt-encoder';

export interface PrefixEncoderSettings {
  virtualTokens: number;
  /** numKvHeads · headDim (PEFT's token_dim for prefix tuning). */
  kvDim: number;
  numLayers: number;
  projection: boolean;
  /** PEFT's encoder_hidden_size (the projection's width). */
  encoderHiddenSize: number;
}

export function prefixEncoderParameters(settings: PrefixEncoderSettings): EncoderParameter[] {
  const width = settings.numLayers * 2 * settings.kvDim;
  if (!settings.projection) return [{ name: ENCODER_EMBEDDING, shape: [settings.virtualTokens, width], init: { kind: 'normal' } }];
  return [
    { name: ENCODER_EMBEDDING, shape: [settings.virtualTokens, settings.kvDim], init: { kind: 'normal' } },
    ...linearParameters('transform', 0, settings.kvDim, settings.encoderHiddenSize),
    ...linearParameters('transform', 2, settings.encoderHiddenSize, width),
  ];
}

/** The prefix table [N, layers·2·kvDim]; `weight` gives a tensor by its PEFT name. */
export function buildPrefixEncoder(settings: PrefixEncoderSettings, weight: (name: string) => Value): Value {
  const embeddings = weight(ENCODER_EMBEDDING);
  if (!settings.projection) return embeddings;
  return applyLinear(ops.tanh(applyLinear(embeddings, weight, 'transform', 0)), weight, 'transform', 2);
}
