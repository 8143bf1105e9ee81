// onnxruntime's WebGPU provider has no kernel for three ops our graphs use, and ORT then quietly runs those nodes
// on the CPU, copying their tensors across the bus each time: every frozen projection of a training step (the
// com.microsoft FusedMatMul that holds weights once, train/shared-weights.ts), every gradient sum (Sum) and the
// loss's LogSoftmax over the whole logits. This pass rewrites them, in place and with the same values, into ops the
// provider has: Reshape → Gemm(transB) → Reshape, a chain of Adds, and max-shifted exp/log. It runs only on the
// graph of a session about to be tried on WebGPU (graph-session.ts); the CPU keeps its faster fused kernels.
import { attr, ops, type Graph, type GraphNode, type Value } from '../graph';

type Rewrite = (graph: Graph, node: GraphNode) => Value | undefined;

/** FusedMatMul(x, W, transB) as shared-weights.ts writes it: x[..., in] · Wᵀ with W [out, in] read in place. */
const fusedMatMulAsGemm: Rewrite = (graph, node) => {
  const [x, weight] = node.inputs;
  const { alpha, transA, transB, transBatchA, transBatchB } = node.attributes;
  const plain = alpha?.value === 1 && Number(transB?.value) === 1 && !Number(transA?.value ?? 0) && !Number(transBatchA?.value ?? 0) && !Number(transBatchB?.value ?? 0);
  if (node.domain !== 'com.microsoft' || !plain || !x || !weight || weight.rank !== 2 || x.rank < 2) return undefined;
  const [outFeatures, inFeatures] = weight.shape;
  const rows = x.rank === 2 ? x : ops.reshape(x, [-1, inFeatures]);
  const [product] = graph.node('Gemm', [rows, weight], [{ dtype: x.dtype, shape: [rows.shape[0], outFeatures] }], { transB: attr.int(1) });
  if (x.rank === 2) return product;
  const outShape = ops.concat([ops.shapeOf(x, 0, x.rank - 1), graph.int64s([Number(outFeatures)])], 0);
  return ops.reshapeTo(product, outShape, node.outputs[0].shape);
};

/** Sum(a, b, c, …) → ((a + b) + c) + …: the order ORT's CPU kernel adds in. */
const sumAsAdds: Rewrite = (_graph, node) => {
  if (node.domain !== '' || node.inputs.some((input) => !input)) return undefined;
  const [first, ...rest] = node.inputs as Value[];
  return rest.reduce((total, term) => ops.add(total, term), first);
};

/** LogSoftmax(x) = (x − max) − log Σ exp(x − max), the max shift keeping exp in range as ORT's kernel does. */
const logSoftmaxExpanded: Rewrite = (_graph, node) => {
  const x = node.inputs[0];
  if (node.domain !== '' || !x) return undefined;
  const axis = Number(node.attributes.axis?.value ?? -1);
  const shifted = ops.sub(x, ops.reduceMax(x, [axis], true));
  return ops.sub(shifted, ops.log(ops.reduceSum(ops.exp(shifted), [axis], true)));
};

const REWRITES: ReadonlyMap<string, Rewrite> = new Map([
  ['FusedMatMul', fusedMatMulAsGemm],
  ['Sum', sumAsAdds],
  ['LogSoftmax', logSoftmaxExpanded],
]);

/** Rewrites `graph` in place so these ops get WebGPU kernels; returns how many nodes were replaced. */
export function useWebGpuKernels(graph: Graph): number {
  const nodes: GraphNode[] = [];
  let replaced = 0;
  for (const node of [...graph.nodes]) {
    const rewrite = REWRITES.get(node.opType);
    const { result, nodes: added } = graph.detached(() => (rewrite && node.outputs.length === 1 ? rewrite(graph, node) : undefined));
    const last = added.at(-1);
    if (!result || !last || last.outputs[0] !== result) {
      nodes.push(node);
      continue;
    }
    // The last new node produces the original output value, so every consumer stays wired.
    last.outputs = [node.outputs[0]];
    nodes.push(...added);
    replaced++;
  }
  graph.nodes.splice(0, graph.nodes.length, ...nodes);
  return replaced;
}
