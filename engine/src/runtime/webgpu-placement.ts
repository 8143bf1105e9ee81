// Kernels of onnxruntime's WebGPU provider that do not compute what the CPU computes, found by running every
// gradient rule's graph on both (test/engine/runtime/webgpu-parity.test.ts). Their nodes run on the CPU instead.
import type { Graph } from '../graph';

/**
 * Sin and Cos: WGSL's built-ins are accurate to about 2^-11 absolute, and worse for large arguments (rotary angles
 * reach position × frequency ≈ thousands of radians): cos/sin tables were off by up to 6e-4. They only build rotary
 * tables from positions, a few kilobytes, so the CPU round trip costs little.
 */
export const WEBGPU_INEXACT_OPS: ReadonlySet<string> = new Set(['Sin', 'Cos']);

/** Names of the nodes of `graph` that must run on the CPU when the session runs on WebGPU. */
export function webgpuCpuNodes(graph: Graph): string[] {
  return graph.nodes.filter((node) => node.domain === '' && WEBGPU_INEXACT_OPS.has(node.opType)).map((node) => node.name);
}
