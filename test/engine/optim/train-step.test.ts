// One graph = forward + gradients + AdamW: repeated runs on a tiny regression drive the loss down. (Gradient
// accumulation is tested through the production step graph: test/engine/train/grad-accumulation.test.ts.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { Graph, createSession, ops, tensor } from '../../../engine/src/graph';
import { gradients } from '../../../engine/src/autodiff';
import { appendAdamW, HYPERPARAMETER_INPUTS, hyperparameterInputs, stateNames } from '../../../engine/src/optim';

const xs = Array.from({ length: 8 * 3 }, (_, i) => Math.sin(i * 1.3));
const target = [0.5, -1, 2];
const ys = Array.from({ length: 8 }, (_, r) => target.reduce((s, t, c) => s + t * xs[r * 3 + c], 0));

function hyperFeeds(step: number, gradScale: number): Record<string, ort.Tensor> {
  const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step, maxGradNorm: 1, gradScale };
  return Object.fromEntries(Object.entries(HYPERPARAMETER_INPUTS).map(([key, name]) => [name, tensor('float32', [], [h[key as keyof typeof h]])]));
}

function lossGraph(g: Graph) {
  const x = g.input('x', 'float32', ['n', 3]);
  const y = g.input('y', 'float32', ['n', 1]);
  const w = g.input('w', 'float32', [3, 1]);
  const loss = ops.reduceMean(ops.square(ops.sub(ops.matmul(x, w), y)));
  return { w, loss };
}

test('forward, gradients and AdamW in one graph reduce the loss', async () => {
  const g = new Graph({ name: 'train_step' });
  const { w, loss } = lossGraph(g);
  const [dw] = gradients(g, loss, [w]);
  const m = g.input(stateNames.m('w'), 'float32', [3, 1]);
  const v = g.input(stateNames.v('w'), 'float32', [3, 1]);
  const tail = appendAdamW([{ param: w, grad: dw, m, v }], hyperparameterInputs(g));
  g.output(loss, 'loss');
  g.output(tail.states[0].param, stateNames.newParam('w'));
  g.output(tail.states[0].m, stateNames.newM('w'));
  g.output(tail.states[0].v, stateNames.newV('w'));
  const session = await createSession(g);
  let state = { w: [0, 0, 0], m: [0, 0, 0], v: [0, 0, 0] };
  const losses: number[] = [];
  for (let step = 1; step <= 60; step++) {
    const result = await session.run({
      x: tensor('float32', [8, 3], xs),
      y: tensor('float32', [8, 1], ys),
      w: tensor('float32', [3, 1], state.w),
      [stateNames.m('w')]: tensor('float32', [3, 1], state.m),
      [stateNames.v('w')]: tensor('float32', [3, 1], state.v),
      ...hyperFeeds(step, 1),
    });
    losses.push(result.loss.data[0] as number);
    const read = (name: string) => Array.from(result[name].data as Float32Array);
    state = { w: read(stateNames.newParam('w')), m: read(stateNames.newM('w')), v: read(stateNames.newV('w')) };
  }
  assert.ok(losses[59] < losses[0] * 0.01, `loss fell from ${losses[0]} to ${losses[59]}`);
});
