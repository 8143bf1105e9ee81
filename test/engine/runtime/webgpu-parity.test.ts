// onnxruntime's bundled WebGPU provider computes what the CPU computes: every gradient rule's float32 graph (forward
// and gradients), the AdamW + clipping tail, and a LoRA training curve. Runs on SwiftShader (Debian's chromium), a
// Vulkan driver on the CPU, so it needs no GPU; `npm run gpu-check` runs the same tests on a real one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { gradients } from '../../../engine/src/autodiff';
import { Graph, ops, tensor, type Value } from '../../../engine/src/graph';
import { appendAdamW, HYPERPARAMETER_INPUTS, hyperparameterInputs, stateNames } from '../../../engine/src/optim';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { WEBGPU_INEXACT_OPS } from '../../../engine/src/runtime/webgpu-placement';
import { cases } from '../autodiff/gradient-cases';
import { random } from '../autodiff/gradcheck';
import { useTestWebGpu } from '../../webgpu-env';

const { skip } = useTestWebGpu();

/** Largest |a − b| / max(1, |a|) over every output. */
function worstDifference(a: Record<string, ort.Tensor>, b: Record<string, ort.Tensor>): { error: number; where: string } {
  let worst = { error: 0, where: '' };
  for (const name of Object.keys(a)) {
    const x = a[name].data as Float32Array;
    const y = b[name].data as Float32Array;
    assert.equal(y.length, x.length, `${name}: sizes differ`);
    for (let i = 0; i < x.length; i++) {
      const error = Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(x[i]));
      if (!(error <= worst.error)) worst = { error, where: `${name}[${i}]: cpu ${x[i]}, webgpu ${y[i]}` };
    }
  }
  return worst;
}

async function runOnBoth(graph: Graph, feeds: Record<string, ort.Tensor>): Promise<{ error: number; where: string }> {
  const results: Record<string, ort.Tensor>[] = [];
  for (const device of ['cpu', 'webgpu'] as const) {
    const opened = await openGraphSession(graph, { device });
    try {
      assert.equal(opened.device, device);
      results.push((await opened.session.run(feeds)) as Record<string, ort.Tensor>);
    } finally {
      await opened.session.release();
    }
  }
  return worstDifference(results[0], results[1]);
}

/** A gradient case in float32: out and the gradients of Σ out · R for a fixed random R. */
function float32Case(c: (typeof cases)[number], seed: number): { graph: Graph; feeds: Record<string, ort.Tensor> } {
  const next = random(seed);
  const graph = new Graph({ name: 'parity' });
  const dtypeOf = (spec: (typeof c.inputs)[number]) => (spec.dtype === 'int64' ? 'int64' : 'float32');
  const inputs = c.inputs.map((spec, i) => graph.input(`in${i}`, dtypeOf(spec), spec.symbolicShape ?? spec.shape));
  const out = c.build(...inputs);
  const fixed = out.shape.every((d): d is number => typeof d === 'number');
  const projection = (shape: number[]): Value => graph.initializer('projection', 'float32', shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1));
  const loss = ops.reduceSum(fixed ? ops.mul(out, projection(out.shape as number[])) : ops.mul(out, out));
  const differentiated = c.inputs.map((spec, i) => ((spec.differentiate ?? dtypeOf(spec) === 'float32') ? i : -1)).filter((i) => i >= 0);
  gradients(graph, loss, differentiated.map((i) => inputs[i])).forEach((grad, k) => graph.output(grad, `grad${k}`));
  graph.output(out, 'out');
  const feeds = Object.fromEntries(
    c.inputs.map((spec, i) => {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const values = spec.values ?? Array.from({ length: count }, () => (spec.positive ? 0.5 + next() : 2 * next() - 1));
      return [`in${i}`, tensor(dtypeOf(spec), spec.shape, values)];
    }),
  );
  return { graph, feeds };
}

for (const c of cases) {
  test(`WebGPU equals the CPU on ${c.name}, forward and gradients`, { skip }, async () => {
    const { graph, feeds } = float32Case(c, 11);
    const { error, where } = await runOnBoth(graph, feeds);
    assert.ok(error < 1e-5, `relative difference ${error.toExponential(2)} at ${where}`);
  });
}

test('rotary tables stay exact on WebGPU at long positions (Sin/Cos run on the CPU)', { skip }, async () => {
  assert.ok(WEBGPU_INEXACT_OPS.has('Sin') && WEBGPU_INEXACT_OPS.has('Cos'));
  const graph = new Graph({ name: 'angles' });
  const positions = graph.input('positions', 'float32', [512]);
  graph.output(ops.add(ops.sin(ops.mul(positions, 0.37)), ops.cos(ops.mul(positions, 1.3))), 'y');
  const { error, where } = await runOnBoth(graph, { positions: tensor('float32', [512], Array.from({ length: 512 }, (_, i) => i * 7)) });
  assert.ok(error < 1e-6, `relative difference ${error.toExponential(2)} at ${where}`);
});

test('clipping and AdamW give the same update on WebGPU', { skip }, async () => {
  const graph = new Graph({ name: 'adamw' });
  const shapes = [[4, 8], [8]];
  const states = shapes.map((shape, i) => ({
    param: graph.input(`p${i}`, 'float32', shape),
    grad: graph.input(`g${i}`, 'float32', shape),
    m: graph.input(stateNames.m(`p${i}`), 'float32', shape),
    v: graph.input(stateNames.v(`p${i}`), 'float32', shape),
    decay: shape.length > 1,
  }));
  const tail = appendAdamW(states, hyperparameterInputs(graph));
  tail.states.forEach((state, i) => {
    graph.output(state.param, stateNames.newParam(`p${i}`));
    graph.output(state.m, stateNames.newM(`p${i}`));
    graph.output(state.v, stateNames.newV(`p${i}`));
  });
  graph.output(tail.gradNorm, stateNames.gradNorm);
  const next = random(5);
  const feeds: Record<string, ort.Tensor> = {};
  shapes.forEach((shape, i) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const values = (scale: number, offset = 0) => Array.from({ length: count }, () => offset + scale * (2 * next() - 1));
    feeds[`p${i}`] = tensor('float32', shape, values(0.5));
    feeds[`g${i}`] = tensor('float32', shape, values(3));
    feeds[stateNames.m(`p${i}`)] = tensor('float32', shape, values(0.1));
    feeds[stateNames.v(`p${i}`)] = tensor('float32', shape, values(0.01, 0.02));
  });
  const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 7, maxGradNorm: 1, gradScale: 1 };
  for (const [key, name] of Object.entries(HYPERPARAMETER_INPUTS)) feeds[name] = tensor('float32', [], [hyper[key as keyof typeof hyper]]);
  const { error, where } = await runOnBoth(graph, feeds);
  assert.ok(error < 1e-6, `relative difference ${error.toExponential(2)} at ${where}`);
});
