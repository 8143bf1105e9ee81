// Frozen weights held once by the session. A projection is `x · Transpose(W)` and its input gradient
// `dy · Transpose(Transpose(W))` (autodiff's MatMul rule); ORT's constant folding turns both transposes of the
// initializer into new initializers, so the session would hold every frozen matrix twice (W for the backward, Wᵀ
// for the forward: measured 16.0 → 29.3 MB of initializers on the small model, ~2 GB more on Qwen2.5-0.5B).
// This pass, run on the finished step graph, reads W in place: the forward becomes com.microsoft FusedMatMul with
// transB = 1 and a double transpose becomes W itself. float32 only (FusedMatMul has no float64 kernel on the CPU).
import { attr, type Graph, type GraphNode, type Value } from '../graph';

const MICROSOFT = 'com.microsoft';

function isSwap(node: GraphNode): boolean {
  const perm = node.attributes.perm?.value as readonly (number | bigint)[] | undefined;
  return node.opType === 'Transpose' && node.outputs[0].rank === 2 && (perm === undefined || (Number(perm[0]) === 1 && Number(perm[1]) === 0));
}

/** Rewrites the graph in place; returns how many products now read a weight untransposed. */
export function shareTransposedWeights(graph: Graph): number {
  const initializers = new Set(graph.initializers.map((initializer) => initializer.value));
  // Transpose(W) of a float32 initializer → W.
  const transposedWeight = new Map<Value, Value>();
  for (const node of graph.nodes) {
    const input = node.inputs[0];
    if (isSwap(node) && input && initializers.has(input) && input.dtype === 'float32') transposedWeight.set(node.outputs[0], input);
  }
  // Transpose(Transpose(W)) → W: the backward reads the weight itself.
  const replaced = new Map<Value, Value>();
  for (const node of graph.nodes) {
    const input = node.inputs[0];
    const weight = input ? transposedWeight.get(input) : undefined;
    if (isSwap(node) && weight) replaced.set(node.outputs[0], weight);
  }
  let rewritten = 0;
  for (let index = 0; index < graph.nodes.length; index++) {
    const node = graph.nodes[index];
    node.inputs = node.inputs.map((input) => (input ? (replaced.get(input) ?? input) : input));
    const b = node.inputs[1];
    const weight = b ? transposedWeight.get(b) : undefined;
    if (node.opType !== 'MatMul' || node.domain !== '' || !weight) continue;
    graph.nodes[index] = { ...node, opType: 'FusedMatMul', domain: MICROSOFT, inputs: [node.inputs[0], weight], attributes: { alpha: attr.float(1), transB: attr.int(1) } };
    rewritten++;
  }
  if (rewritten > 0) graph.useDomain(MICROSOFT, 1);
  return rewritten;
}
