// Whether the WebGPU adapter computes in half precision (WGSL's `shader-f16`). onnxruntime-node does not expose the
// adapter's features, and without f16 every half kernel fails when it runs ("requires f16 but the device does not
// support it"), so the answer comes from running one Cast to half on the device, once per process.
import * as ort from 'onnxruntime-node';
import { Graph, ops, serializeModel, tensor } from '../graph';

let answer: Promise<boolean> | undefined;

async function probe(): Promise<boolean> {
  const graph = new Graph({ name: 'float16_probe' });
  const x = graph.input('x', 'float32', [2]);
  graph.output(ops.cast(ops.mul(ops.cast(x, 'float16'), ops.cast(x, 'float16')), 'float32'), 'y');
  try {
    const session = await ort.InferenceSession.create(serializeModel(graph), { executionProviders: ['webgpu'], logSeverityLevel: 4 });
    try {
      const result = await session.run({ x: tensor('float32', [2], new Float32Array([1.5, -2])) });
      const y = result.y.data as Float32Array;
      return y[0] === 2.25 && y[1] === 4;
    } finally {
      await session.release();
    }
  } catch {
    return false;
  }
}

export function webgpuHasFloat16(): Promise<boolean> {
  answer ??= probe();
  return answer;
}
