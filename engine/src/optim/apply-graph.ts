// Gradient accumulation as two graphs: the training graph adds each micro-batch's gradients to running sums it
// receives as inputs (accumulateInto), and a separate apply graph (buildApplyGraph) runs clipping + AdamW once per
// optimizer step with grad_scale = 1 / micro-batches. With one micro-batch, appendAdamW can instead be appended to
// the training graph itself so a step is one session run.

import { Graph, ops, type DType, type Value } from '../graph';
import { appendAdamW, hyperparameterInputs, type ParameterState } from './adamw';

/** Graph names used by the apply graph and the accumulation helper, per parameter name. */
export const stateNames = {
  grad: (name: string) => `grad.${name}`,
  m: (name: string) => `m.${name}`,
  v: (name: string) => `v.${name}`,
  newParam: (name: string) => `new.${name}`,
  newM: (name: string) => `new_m.${name}`,
  newV: (name: string) => `new_v.${name}`,
  accumulated: (name: string) => `acc.${name}`,
  newAccumulated: (name: string) => `new_acc.${name}`,
  gradNorm: 'grad_norm',
};

export interface TrainableSpec {
  name: string;
  shape: readonly number[];
  /** Weight decay applies (default true). */
  decay?: boolean;
}

/**
 * Inputs: each parameter `<name>`, `grad.<name>`, `m.<name>`, `v.<name>`, plus the hyperparameters
 * (HYPERPARAMETER_INPUTS). Outputs: `new.<name>`, `new_m.<name>`, `new_v.<name>`, `grad_norm`.
 */
export function buildApplyGraph(specs: readonly TrainableSpec[], dtype: DType = 'float32'): Graph {
  const graph = new Graph({ name: 'adamw_apply' });
  const hyper = hyperparameterInputs(graph, dtype);
  const states: ParameterState[] = specs.map((spec) => ({
    param: graph.input(spec.name, dtype, spec.shape),
    grad: graph.input(stateNames.grad(spec.name), dtype, spec.shape),
    m: graph.input(stateNames.m(spec.name), dtype, spec.shape),
    v: graph.input(stateNames.v(spec.name), dtype, spec.shape),
    decay: spec.decay,
  }));
  const tail = appendAdamW(states, hyper);
  specs.forEach((spec, i) => {
    graph.output(tail.states[i].param, stateNames.newParam(spec.name));
    graph.output(tail.states[i].m, stateNames.newM(spec.name));
    graph.output(tail.states[i].v, stateNames.newV(spec.name));
  });
  graph.output(tail.gradNorm, stateNames.gradNorm);
  return graph;
}

/**
 * In the training graph: adds each gradient to a running-sum input `acc.<name>` and outputs `new_acc.<name>`.
 * Feed zeros on the first micro-batch, then the previous run's output.
 */
export function accumulateInto(graph: Graph, named: readonly { name: string; grad: Value }[]): Value[] {
  return named.map(({ name, grad }) => {
    const running = graph.input(stateNames.accumulated(name), grad.dtype, grad.shape);
    return graph.output(ops.add(running, grad), stateNames.newAccumulated(name));
  });
}
