// PEFT prefix tuning (PREFIX_TUNING; Li & Liang 2021, P-Tuning v2) adapters: adapter_config.json (num_virtual_tokens,
// num_layers, token_dim = the key/value width numKvHeads·headDim after PEFT's GQA adjustment, num_attention_heads =
// numKvHeads, prefix_projection, encoder_hidden_size) and `prompt_embeddings` [num_virtual_tokens, num_layers·2·token_dim]:
// every layer's key and value prefix (models/prefix.ts). With prefix_projection PEFT saves the projection's output,
// so both variants load the same way.
import { join } from 'node:path';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { assertOneSubmodule, positiveIntegerField, promptLearningConfig, readPromptTensor, type PromptLearningSettings } from './prompt';

export interface PrefixTable {
  numVirtualTokens: number;
  numLayers: number;
  /** numKvHeads · headDim (PEFT's token_dim for prefix tuning). */
  kvDim: number;
  /** PEFT's num_attention_heads for prefix tuning: the key/value heads. */
  kvHeads: number;
  /** [numVirtualTokens, numLayers · 2 · kvDim] row-major. */
  embeddings: Float32Array;
}

export interface PrefixTuningSettings extends PromptLearningSettings {
  prefixProjection: boolean;
  encoderHiddenSize: number;
}

/** PrefixTuningConfig as PEFT writes it (tokenDim and numAttentionHeads are the key/value width and heads). */
export function prefixTuningConfig(settings: PrefixTuningSettings): Record<string, unknown> {
  return {
    ...promptLearningConfig('PREFIX_TUNING', settings),
    encoder_hidden_size: settings.encoderHiddenSize,
    prefix_projection: settings.prefixProjection,
    init_weights: null,
  };
}

export function readPrefixTable(dir: string, json: Record<string, unknown>): PrefixTable {
  const numVirtualTokens = positiveIntegerField(dir, json, 'num_virtual_tokens');
  const numLayers = positiveIntegerField(dir, json, 'num_layers');
  const kvDim = positiveIntegerField(dir, json, 'token_dim');
  const kvHeads = positiveIntegerField(dir, json, 'num_attention_heads');
  assertOneSubmodule(dir, json);
  if (kvDim % kvHeads !== 0) throw new ModelFileError('bad-config', join(dir, 'adapter_config.json'), `token_dim ${kvDim} is not a multiple of num_attention_heads ${kvHeads}`, { key: 'token_dim' });
  return { numVirtualTokens, numLayers, kvDim, kvHeads, embeddings: readPromptTensor(dir, [numVirtualTokens, numLayers * 2 * kvDim]) };
}
