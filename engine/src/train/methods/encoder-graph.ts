// What P-tuning's prompt encoder and prefix tuning's projection share: tensors declared as PEFT names them with
// PyTorch's initial distributions, and one run of the encoder graph on the current values (the output PEFT saves as
// `prompt_embeddings` at the end of a run).
import { Graph, createSession, ops, tensor, type Value } from '../../graph';
import type { TrainableTensor } from '../checkpoint';
import { standardNormal, type SeededRandom } from '../random';
import { trainableTensor } from './types';

export interface EncoderParameter {
  name: string;
  shape: number[];
  /** torch.nn.Embedding draws N(0, 1); Linear and LSTM draw U(±bound). */
  init: { kind: 'normal' } | { kind: 'uniform'; bound: number };
}

/** A torch.nn.Linear at `${module}.${index}`: kaiming-uniform(a=√5) weight and its bias, both U(±1/√in). */
export function linearParameters(module: string, index: number, inFeatures: number, outFeatures: number): EncoderParameter[] {
  const init = { kind: 'uniform', bound: 1 / Math.sqrt(inFeatures) } as const;
  return [
    { name: `${module}.${index}.weight`, shape: [outFeatures, inFeatures], init },
    { name: `${module}.${index}.bias`, shape: [outFeatures], init },
  ];
}

/** x · Wᵀ + b for the torch.nn.Linear at `${module}.${index}`. */
export function applyLinear(x: Value, weight: (name: string) => Value, module: string, index: number): Value {
  return ops.add(ops.matmul(x, ops.transpose(weight(`${module}.${index}.weight`))), weight(`${module}.${index}.bias`));
}

/** Fresh tensors for the parameters, named `${prefix}${PEFT name}`. */
export function initialEncoderTensors(parameters: readonly EncoderParameter[], random: SeededRandom, prefix: string): TrainableTensor[] {
  return parameters.map(({ name, shape, init }) => {
    const count = shape.reduce((product, size) => product * size, 1);
    const value = init.kind === 'normal' ? standardNormal(random, count) : Float32Array.from({ length: count }, () => (random.next() * 2 - 1) * init.bound);
    return trainableTensor(`${prefix}${name}`, shape, value);
  });
}

/** Runs `build` once on the tensors (named `${prefix}${PEFT name}`); `build` reads them by PEFT name. */
export async function runEncoder(tensors: readonly TrainableTensor[], prefix: string, build: (weight: (name: string) => Value) => Value): Promise<Float32Array> {
  const graph = new Graph({ name: 'encoder' });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const inputs = new Map<string, Value>();
  const weight = (name: string): Value => {
    const found = byName.get(`${prefix}${name}`);
    if (!found) throw new Error(`encoder: no tensor '${prefix}${name}'`);
    if (!inputs.has(found.name)) inputs.set(found.name, graph.input(found.name, 'float32', found.shape));
    return inputs.get(found.name)!;
  };
  graph.output(build(weight), 'encoder_output');
  const session = await createSession(graph, { intraOpThreads: 1 });
  try {
    const feeds = Object.fromEntries([...inputs.keys()].map((name) => [name, tensor('float32', byName.get(name)!.shape, byName.get(name)!.value)]));
    return (await session.run(feeds)).encoder_output.data as Float32Array;
  } finally {
    await session.release();
  }
}
