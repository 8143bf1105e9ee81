// Gradient accumulation inside the one training graph (train/step-graph.ts): each run adds its micro-batch's
// gradients to running sums it receives as inputs, and the last micro-batch's run applies AdamW to the sum. No
// control flow in the graph: the loop feeds zeros first, then the previous run's sums.
import { ops, type Graph, type Value } from '../graph';
import { stateNames } from './state-names';

/**
 * Adds each gradient to a running-sum input `acc.<name>` and outputs `new_acc.<name>`; returns the sums, which
 * the optimizer tail then uses as the gradients.
 */
export function accumulateInto(graph: Graph, named: readonly { name: string; grad: Value }[]): Value[] {
  return named.map(({ name, grad }) => {
    const running = graph.input(stateNames.accumulated(name), grad.dtype, grad.shape);
    return graph.output(ops.add(running, grad), stateNames.newAccumulated(name));
  });
}
