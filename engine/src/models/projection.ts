// One projection (nn.Linear) of a model, through the method's linear hook when there is one: shared by the builders
// so every architecture offers LoRA & co. the same LinearCall.
import { ops, type Value } from '../graph';
import type { CausalLMOptions, LinearCall } from './types';

/** input · weightᵀ (+ bias): the default projection every hook can fall back to. */
export function baseLinear(call: LinearCall): Value {
  const product = ops.matmul(call.input, ops.transpose(call.weight, [1, 0]));
  return call.bias ? ops.add(product, call.bias) : product;
}

/** The module's `weight` [out, in] (and `bias`) applied to `input`, wrapped by `options.linear`. */
export function linear(options: CausalLMOptions, module: string, input: Value, inFeatures: number, outFeatures: number, hasBias: boolean): Value {
  const { parameter, linear: hook } = options;
  const call: LinearCall = {
    module,
    input,
    weight: parameter(`${module}.weight`),
    bias: hasBias ? parameter(`${module}.bias`) : undefined,
    inFeatures,
    outFeatures,
  };
  return hook ? hook(call, baseLinear) : baseLinear(call);
}

/** The LM head as module `lm_head`, reading `weightName` (the embeddings when tied) [vocab, hidden]. */
export function lmHead(options: CausalLMOptions, weightName: string, hiddenSize: number, vocabSize: number): (x: Value) => Value {
  return (input) => {
    const call: LinearCall = { module: 'lm_head', input, weight: options.parameter(weightName), inFeatures: hiddenSize, outFeatures: vocabSize };
    return options.linear ? options.linear(call, baseLinear) : baseLinear(call);
  };
}
