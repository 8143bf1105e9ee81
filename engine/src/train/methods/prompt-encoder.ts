// P-tuning's prompt encoder (Liu et al. 2021), as PEFT's PromptEncoder builds it: an embedding table [N, hidden] of
// the N virtual tokens, reparameterised by
//   mlp:  Linear(hidden, e) → ReLU → Linear(e, e) → ReLU → Linear(e, hidden)
//   lstm: 2-layer bidirectional LSTM(hidden → e) → Linear(2e, 2e) → ReLU → Linear(2e, hidden)
// The encoder's output is the prompt in front of every sequence. Tensors are named as PEFT's state dict names them
// under `prompt_encoder.default.` and initialised with PyTorch's distributions (not its random stream).
import type { ENCODER_TYPES } from '../../../../contracts/src/training-arguments';
import { Graph, createSession, ops, tensor, type Value } from '../../graph';
import { standardNormal, type SeededRandom } from '../random';
import type { TrainableTensor } from '../checkpoint';
import { trainableTensor } from './types';
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

interface EncoderParameter {
  name: string;
  shape: number[];
  /** torch.nn.Embedding draws N(0, 1); Linear and LSTM draw U(±bound). */
  init: { kind: 'normal' } | { kind: 'uniform'; bound: number };
}

/** A torch.nn.Linear in a Sequential at `index`: kaiming-uniform(a=√5) weight and its bias, both U(±1/√in). */
function linear(index: number, inFeatures: number, outFeatures: number): EncoderParameter[] {
  const init = { kind: 'uniform', bound: 1 / Math.sqrt(inFeatures) } as const;
  return [
    { name: `mlp_head.${index}.weight`, shape: [outFeatures, inFeatures], init },
    { name: `mlp_head.${index}.bias`, shape: [outFeatures], init },
  ];
}

export function promptEncoderParameters(settings: PromptEncoderSettings): EncoderParameter[] {
  const { tokenDim: hidden, encoderHiddenSize: e } = settings;
  const embedding: EncoderParameter = { name: ENCODER_EMBEDDING, shape: [settings.virtualTokens, hidden], init: { kind: 'normal' } };
  if (settings.type === 'mlp') return [embedding, ...linear(0, hidden, e), ...linear(2, e, e), ...linear(4, e, hidden)];
  const lstmInit = { kind: 'uniform', bound: 1 / Math.sqrt(e) } as const; // torch.nn.LSTM: every tensor U(±1/√hidden)
  const lstm = lstmParameterShapes({ inputSize: hidden, hiddenSize: e, layers: LSTM_LAYERS }).map(({ name, shape }) => ({ name: `lstm_head.${name}`, shape, init: lstmInit }));
  return [embedding, ...lstm, ...linear(0, 2 * e, 2 * e), ...linear(2, 2 * e, hidden)];
}

/** Fresh encoder tensors, named `${prefix}${PEFT name}`. */
export function initialPromptEncoder(settings: PromptEncoderSettings, random: SeededRandom, prefix: string): TrainableTensor[] {
  return promptEncoderParameters(settings).map(({ name, shape, init }) => {
    const count = shape.reduce((product, size) => product * size, 1);
    const value = init.kind === 'normal' ? standardNormal(random, count) : Float32Array.from({ length: count }, () => (random.next() * 2 - 1) * init.bound);
    return trainableTensor(`${prefix}${name}`, shape, value);
  });
}

/** The encoder's output [N, hidden]; `weight` gives a tensor by its PEFT name. */
export function buildPromptEncoder(settings: PromptEncoderSettings, weight: (name: string) => Value): Value {
  const dense = (x: Value, index: number) => ops.add(ops.matmul(x, ops.transpose(weight(`mlp_head.${index}.weight`))), weight(`mlp_head.${index}.bias`));
  const embeddings = weight(ENCODER_EMBEDDING); // the lookup of tokens 0..N-1 is the whole table
  if (settings.type === 'mlp') return dense(ops.relu(dense(ops.relu(dense(embeddings, 0)), 2)), 4);
  const lstm = unrolledLstm(embeddings, (name) => weight(`lstm_head.${name}`), { inputSize: settings.tokenDim, hiddenSize: settings.encoderHiddenSize, layers: LSTM_LAYERS });
  return dense(ops.relu(dense(lstm, 0)), 2);
}

/** Runs the encoder on the given tensors (named `${prefix}${PEFT name}`): the prompt PEFT saves as prompt_embeddings. */
export async function promptEncoderOutput(settings: PromptEncoderSettings, tensors: readonly TrainableTensor[], prefix: string): Promise<Float32Array> {
  const graph = new Graph({ name: 'prompt_encoder' });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const inputs = new Map<string, Value>();
  const weight = (name: string): Value => {
    const found = byName.get(`${prefix}${name}`);
    if (!found) throw new Error(`prompt encoder: no tensor '${prefix}${name}'`);
    if (!inputs.has(found.name)) inputs.set(found.name, graph.input(found.name, 'float32', found.shape));
    return inputs.get(found.name)!;
  };
  graph.output(buildPromptEncoder(settings, weight), 'prompt_embeddings');
  const session = await createSession(graph, { intraOpThreads: 1 });
  try {
    const feeds = Object.fromEntries([...inputs.keys()].map((name) => [name, tensor('float32', byName.get(name)!.shape, byName.get(name)!.value)]));
    return (await session.run(feeds)).prompt_embeddings.data as Float32Array;
  } finally {
    await session.release();
  }
}
