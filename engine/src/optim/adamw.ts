// The optimizer as a graph tail: global-norm clipping and AdamW (decoupled weight decay, bias correction), with
// every hyperparameter a scalar graph input so learning-rate schedules and step counts need no rebuild.

import { Graph, ops, type DType, type Value } from '../graph';

/** Scalar inputs of the optimizer (float32 unless the graph is float64). `step` counts from 1. */
export interface AdamWHyperparameters {
  lr: Value;
  beta1: Value;
  beta2: Value;
  eps: Value;
  weightDecay: Value;
  step: Value;
  /** Clip when the global gradient norm exceeds this; ≤ 0 disables clipping at run time. */
  maxGradNorm: Value;
  /** Multiplies gradients before anything else (the step graph feeds 1: its `loss_weight` seed already scales them). */
  gradScale: Value;
}

/** Graph input names of the hyperparameters, for feeding. */
export const HYPERPARAMETER_INPUTS = {
  lr: 'lr',
  beta1: 'beta1',
  beta2: 'beta2',
  eps: 'eps',
  weightDecay: 'weight_decay',
  step: 'step',
  maxGradNorm: 'max_grad_norm',
  gradScale: 'grad_scale',
} as const satisfies Record<keyof AdamWHyperparameters, string>;

export function hyperparameterInputs(graph: Graph, dtype: DType = 'float32'): AdamWHyperparameters {
  const entries = Object.entries(HYPERPARAMETER_INPUTS).map(([key, name]) => [key, graph.input(name, dtype, [])]);
  return Object.fromEntries(entries) as AdamWHyperparameters;
}

/** sqrt(Σ‖g‖²) over all gradients, accumulated in the gradients' type. */
export function globalNorm(grads: readonly Value[]): Value {
  const squares = grads.map((g) => ops.reduceSumSquare(g));
  const total = squares.length === 1 ? squares[0] : squares[0].graph.node('Sum', squares, [{ dtype: squares[0].dtype, shape: [] }])[0];
  return ops.sqrt(total);
}

/**
 * Scales all gradients by min(1, maxNorm / (norm + 1e-6)) when maxNorm > 0 (torch.nn.utils.clip_grad_norm_).
 * Returns the clipped gradients and the norm before clipping.
 */
export function clipByGlobalNorm(grads: readonly Value[], maxNorm: Value): { grads: Value[]; norm: Value } {
  const norm = globalNorm(grads);
  const ratio = ops.min(ops.div(maxNorm, ops.add(norm, 1e-6)), 1);
  const factor = ops.where(ops.greater(maxNorm, 0), ratio, 1);
  return { grads: grads.map((g) => ops.mul(g, factor)), norm };
}

export interface ParameterState {
  param: Value;
  grad: Value;
  /** First and second moments, same shape as param. */
  m: Value;
  v: Value;
  /** Apply weight decay to this tensor (default true; norms and biases usually false). */
  decay?: boolean;
}

export interface UpdatedState {
  param: Value;
  m: Value;
  v: Value;
}

/** One AdamW step for one tensor (PyTorch's torch.optim.AdamW semantics). */
export function adamwStep(state: ParameterState, h: AdamWHyperparameters): UpdatedState {
  const { param, grad } = state;
  const m = ops.add(ops.mul(h.beta1, state.m), ops.mul(ops.sub(1, h.beta1), grad));
  const v = ops.add(ops.mul(h.beta2, state.v), ops.mul(ops.sub(1, h.beta2), ops.mul(grad, grad)));
  const correction1 = ops.sub(1, ops.pow(h.beta1, h.step));
  const correction2 = ops.sub(1, ops.pow(h.beta2, h.step));
  const update = ops.div(ops.div(m, correction1), ops.add(ops.sqrt(ops.div(v, correction2)), h.eps));
  const decayed = state.decay === false ? param : ops.mul(param, ops.sub(1, ops.mul(h.lr, h.weightDecay)));
  return { param: ops.sub(decayed, ops.mul(h.lr, update)), m, v };
}

export interface OptimizerTail {
  states: UpdatedState[];
  /** Global gradient norm after gradScale, before clipping. */
  gradNorm: Value;
}

/** Scales, clips and applies AdamW to every parameter. Mark the results as graph outputs to read them back. */
export function appendAdamW(states: readonly ParameterState[], h: AdamWHyperparameters): OptimizerTail {
  const scaled = states.map((s) => ops.mul(s.grad, ops.cast(h.gradScale, s.grad.dtype)));
  const { grads, norm } = clipByGlobalNorm(scaled, h.maxGradNorm);
  return { states: states.map((s, i) => adamwStep({ ...s, grad: grads[i] }, h)), gradNorm: norm };
}
