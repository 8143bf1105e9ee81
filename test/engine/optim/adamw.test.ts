// The AdamW graph tail against a plain TypeScript reference of torch.optim.AdamW, with and without clipping,
// over three steps with a changing learning rate (hyperparameters are inputs: no rebuild). The gradients are inputs
// here, so the optimizer is tested alone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSession, Graph, tensor } from '../../../engine/src/graph';
import { appendAdamW, HYPERPARAMETER_INPUTS, hyperparameterInputs, stateNames } from '../../../engine/src/optim';

interface Hyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
  maxGradNorm: number;
  gradScale: number;
}

/** Reference: scale, clip by the global norm, then decoupled decay and bias-corrected Adam, per element. */
function referenceStep(params: number[][], grads: number[][], ms: number[][], vs: number[][], decay: boolean[], h: Hyper) {
  const scaled = grads.map((g) => g.map((x) => x * h.gradScale));
  const norm = Math.sqrt(scaled.flat().reduce((s, x) => s + x * x, 0));
  const factor = h.maxGradNorm > 0 ? Math.min(1, h.maxGradNorm / (norm + 1e-6)) : 1;
  const out = params.map((p, i) =>
    p.map((value, j) => {
      const g = scaled[i][j] * factor;
      const m = h.beta1 * ms[i][j] + (1 - h.beta1) * g;
      const v = h.beta2 * vs[i][j] + (1 - h.beta2) * g * g;
      const mHat = m / (1 - h.beta1 ** h.step);
      const vHat = v / (1 - h.beta2 ** h.step);
      const decayed = decay[i] ? value * (1 - h.lr * h.weightDecay) : value;
      return { p: decayed - (h.lr * mHat) / (Math.sqrt(vHat) + h.eps), m, v };
    }),
  );
  return { params: out.map((r) => r.map((x) => x.p)), ms: out.map((r) => r.map((x) => x.m)), vs: out.map((r) => r.map((x) => x.v)), norm };
}

interface Spec {
  name: string;
  shape: number[];
  decay?: boolean;
}

const gradName = (name: string) => `grad.${name}`;

/** Only the optimizer: each parameter, its gradient and moments in; the updated ones and the gradient norm out. */
function optimizerGraph(specs: readonly Spec[]): Graph {
  const graph = new Graph({ name: 'adamw' });
  const hyper = hyperparameterInputs(graph);
  const states = specs.map((spec) => ({
    param: graph.input(spec.name, 'float32', spec.shape),
    grad: graph.input(gradName(spec.name), 'float32', spec.shape),
    m: graph.input(stateNames.m(spec.name), 'float32', spec.shape),
    v: graph.input(stateNames.v(spec.name), 'float32', spec.shape),
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

async function runSteps(maxGradNorm: number) {
  const specs: Spec[] = [
    { name: 'w', shape: [2, 3] },
    { name: 'norm', shape: [3], decay: false },
  ];
  const graph = optimizerGraph(specs);
  const session = await createSession(graph);
  let params = [[0.5, -0.2, 0.1, 0.9, -0.7, 0.3], [1, 1, 1]];
  let ms = params.map((p) => p.map(() => 0));
  let vs = params.map((p) => p.map(() => 0));
  const decay = [true, false];
  for (let step = 1; step <= 3; step++) {
    const grads = [[0.3, -1.2, 0.05, 2, -0.4, 0.7].map((x) => x * step), [0.1, -0.3, 0.2]];
    const h: Hyper = { lr: 0.01 / step, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step, maxGradNorm, gradScale: 0.5 };
    const feeds: Record<string, ReturnType<typeof tensor>> = {};
    for (const [key, name] of Object.entries(HYPERPARAMETER_INPUTS)) feeds[name] = tensor('float32', [], [h[key as keyof Hyper]]);
    specs.forEach((spec, i) => {
      feeds[spec.name] = tensor('float32', spec.shape, params[i]);
      feeds[gradName(spec.name)] = tensor('float32', spec.shape, grads[i]);
      feeds[stateNames.m(spec.name)] = tensor('float32', spec.shape, ms[i]);
      feeds[stateNames.v(spec.name)] = tensor('float32', spec.shape, vs[i]);
    });
    const result = await session.run(feeds);
    const expected = referenceStep(params, grads, ms, vs, decay, h);
    assert.ok(Math.abs((result[stateNames.gradNorm].data[0] as number) - expected.norm) < 1e-5, 'gradient norm');
    specs.forEach((spec, i) => {
      const got = Array.from(result[stateNames.newParam(spec.name)].data as Float32Array);
      got.forEach((x, j) => assert.ok(Math.abs(x - expected.params[i][j]) < 1e-6, `step ${step} ${spec.name}[${j}]: ${x} vs ${expected.params[i][j]}`));
    });
    params = specs.map((spec) => Array.from(result[stateNames.newParam(spec.name)].data as Float32Array));
    ms = specs.map((spec) => Array.from(result[stateNames.newM(spec.name)].data as Float32Array));
    vs = specs.map((spec) => Array.from(result[stateNames.newV(spec.name)].data as Float32Array));
  }
}

test('AdamW matches the reference over three steps (clipping off)', async () => {
  await runSteps(0);
});

test('AdamW matches the reference with global-norm clipping active', async () => {
  // The scaled gradients’ norm is about 1.25·step, so a limit of 0.5 clips every step.
  await runSteps(0.5);
});
