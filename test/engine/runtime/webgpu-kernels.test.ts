// The ops onnxruntime's WebGPU provider has no kernel for are rewritten before a session is tried there
// (engine/src/runtime/webgpu-kernels.ts): same values on the CPU, and a training step leaves only shape and mask
// bookkeeping (and the rotary tables, on purpose) on the CPU instead of its projections, gradient sums and loss.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { Graph, ops, tensor } from '../../../engine/src/graph';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { useWebGpuKernels } from '../../../engine/src/runtime/webgpu-kernels';
import { shareTransposedWeights } from '../../../engine/src/train/shared-weights';
import { useTestWebGpu } from '../../webgpu-env';

const { skip } = useTestWebGpu();

/** x [batch, 3, 8] · Wᵀ (a frozen weight: FusedMatMul once shared), summed three ways, then LogSoftmax. */
function build(): Graph {
  const graph = new Graph({ name: 'kernels' });
  const x = graph.input('x', 'float32', ['batch', 3, 8]);
  const weight = graph.initializer('w', 'float32', [5, 8], Float32Array.from({ length: 40 }, (_, i) => Math.sin(i) * 3));
  const projected = ops.matmul(x, ops.transpose(weight, [1, 0]));
  const [sum] = graph.node('Sum', [projected, ops.mul(projected, projected), x.graph.scalar(0.5, 'float32')], [{ dtype: 'float32', shape: projected.shape }]);
  graph.output(ops.logSoftmax(sum, -1), 'y');
  graph.output(ops.matmul(ops.reshape(x, [-1, 8]), ops.transpose(weight, [1, 0])), 'rows');
  assert.equal(shareTransposedWeights(graph), 2);
  return graph;
}

async function run(graph: Graph, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const { session } = await openGraphSession(graph, { device: 'cpu' });
  const outputs = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, value.data as Float32Array]));
}

test('rewritten for WebGPU, a graph has no FusedMatMul, Sum or LogSoftmax left and computes the same values', async () => {
  const feeds = { x: tensor('float32', [2, 3, 8], Float32Array.from({ length: 48 }, (_, i) => Math.cos(i * 0.7) * 4)) };
  const expected = await run(build(), feeds);
  const rewritten = build();
  assert.equal(useWebGpuKernels(rewritten), 4);
  assert.deepEqual(rewritten.nodes.filter((node) => ['FusedMatMul', 'Sum', 'LogSoftmax'].includes(node.opType)), []);
  const actual = await run(rewritten, feeds);
  for (const name of ['y', 'rows']) {
    assert.equal(actual[name].length, expected[name].length);
    expected[name].forEach((value, index) => assert.ok(Math.abs(actual[name][index] - value) <= 1e-5 * Math.max(1, Math.abs(value)), `${name}[${index}]: ${actual[name][index]} vs ${value}`));
  }
});

/** Ops ORT keeps on the CPU under WebGPU by design (int64 shape and mask arithmetic) and Sin/Cos (webgpu-placement.ts). */
const BOOKKEEPING = new Set(['Shape', 'Reshape', 'Concat', 'Slice', 'Squeeze', 'Unsqueeze', 'Gather', 'Range', 'Equal', 'LessOrEqual', 'Where', 'ConstantOfShape', 'Cast', 'Sin', 'Cos']);

/** Op types of the nodes ORT's verbose log says it placed on the CPU. */
function cpuPlacedOps(log: string): string[] {
  const placed: string[] = [];
  let provider = '';
  for (const line of log.split('\n')) {
    const header = /placed on \[(\w+)\]/.exec(line);
    if (header) provider = header[1];
    const node = /VerifyEachNodeIsAssignedToAnEp\] {3}(\w+) \(/.exec(line);
    if (node && provider === 'CPUExecutionProvider') placed.push(node[1]);
  }
  return placed;
}

test('a LoRA training step on WebGPU runs its projections, gradient sums and loss on the GPU', { skip, timeout: 300_000 }, () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'webgpu-placement-child.ts')], { encoding: 'utf8', maxBuffer: 256 * 1024 ** 2 });
  assert.equal(child.stdout.trim(), 'done', child.stderr.slice(-2000));
  assert.match(child.stderr, /placed on \[WebGpuExecutionProvider\]/);
  const onCpu = cpuPlacedOps(child.stderr);
  assert.deepEqual([...new Set(onCpu.filter((op) => !BOOKKEEPING.has(op)))], [], `float work on the CPU: ${onCpu.join(', ')}`);
});
