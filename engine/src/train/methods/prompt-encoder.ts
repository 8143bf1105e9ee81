// P-tuning's prompt encoder (Liu et al. 2021), as PEFT's PromptEncoder builds it: an embedding table [N, hidden] of
// the N virtual tokens, reparameterised by
//   mlp:  Linear(hidden, e) → ReLU → Linear(e, e) → ReLU → Linear(e, hidden)
//   lstm: 2-layer bidirectional LSTM(hidden → e) → Linear(2e, 2e) → ReLU → Linear(2e, hidden)
// The encoder's output is the prompt in front of every sequence. Tensors are named as PEFT's state dict names them
// under `prompt_encoder.default.` and initialised with PyTorch's distributions (not its random stream).
import type { ENCODER_TYPES } from '../../../../contracts/src/training-arguments';
import { ops, type Value } from '../../graph';
import type { TrainableTensor } from '../checkpoint';
import type { SeededRandom } from '../random';
import { applyLinear, initialEncoderTensors, linearParameters, runEncoder, type EncoderParameter } from './encoder-graph';
import { lstmParameterShapes, unrolledLstm } from './unrolled-lstm';

export type EncoderType = (typeof ENCODER_TYPES)[number];

/** PEFT's PromptEncoderConfig default encoder_num_layers: the LSTM's depth (the MLP always has three layers). */
export const LSTM_LAYERS = 2;

export interface PromptEncoderSettings {
  type: EncoderType;
  virtualTokens: number;
  /** The model's hidden size (PEFT's token_dim). */
  tokenDim: number;
  /** PEFT's encoder_hidden_size. */
  encoderHiddenSize: number;
}

/** The name of the virtual tokens' embedding table among the encoder's tensors. */
export const ENCODER_EMBEDDING = 'embedding.weight';

export function promptEncoderParameters(settings: PromptEncoderSettings): EncoderParameter[] {
  const { tokenDim: hidden, encoderHiddenSize: e } = settings;
  const embedding: EncoderParameter = { name: ENCODER_EMBEDDING, shape: [settings.virtualTokens, hidden], init: { kind: 'normal' } };
  const linear = (index: number, inFeatures: number, outFeatures: number) => linearParameters('mlp_head', index, inFeatures, outFeatures);
  if (settings.type === 'mlp') return [embedding, ...linear(0, hidden, e), ...linear(2, e, e), ...linear(4, e, hidden)];
  const lstmInit = { kind: 'uniform', bound: 1 / Math.sqrt(e) } as const; // torch.nn.LSTM: every tensor U(±1/√hidden)
  const lstm = lstmParameterShapes({ inputSize: hidden, hiddenSize: e, layers: LSTM_LAYERS }).map(({ name, shape }) => ({ name: `lstm_head.${name}`, shape, init: lstmInit }));
  return [embedding, ...lstm, ...linear(0, 2 * e, 2 * e), ...linear(2, 2 * e, hidden)];
}

/** Fresh encoder tensors, named `${prefix}${PEFT name}`. */
export function initialPromptEncoder(settings: PromptEncoderSettings, random: SeededRandom, prefix: string): TrainableTensor[] {
  return initialEncoderTensors(promptEncoderParameters(settings), random, prefix);
}

/** The encoder's output [N, hidden]; `weight` gives a tensor by its PEFT name. */
export function buildPromptEncoder(settings: PromptEncoderSettings, weight: (name: string) => Value): Value {
  const dense = (x: Value, index: number) => applyLinear(x, weight, 'mlp_head', index);
  const embeddings = weight(ENCODER_EMBEDDING); // the lookup of tokens 0..N-1 is the whole table
  if (settings.type === 'mlp') return dense(ops.relu(dense(ops.relu(dense(embeddings, 0)), 2)), 4);
  const lstm = unrolledLstm(embeddings, (name) => weight(`lstm_head.${name}`), { inputSize: settings.tokenDim, hiddenSize: settings.encoderHiddenSize, layers: LSTM_LAYERS });
  return dense(ops.relu(dense(lstm, 0)), 2);
}

/** Runs the encoder on the given tensors (named `${prefix}${PEFT name}`): the prompt PEFT saves as prompt_embeddings. */
export function promptEncoderOutput(settings: PromptEncoderSettings, tensors: readonly TrainableTensor[], prefix: string): Promise<Float32Array> {
  return runEncoder(tensors, prefix, (weight) => buildPromptEncoder(settings, weight));
}
