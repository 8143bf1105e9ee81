// Finite-difference gradient checking on float64 graphs: the analytic gradient of loss = Σ f(inputs) · R (R a fixed
// random projection, so no gradient is trivially ones) must match central differences of the same session.

import assert from 'node:assert/strict';
import type * as ort from 'onnxruntime-node';
import { Graph, createSession, ops, tensor, type Dim, type DType, type Value } from '../../../engine/src/graph';
import { gradients } from '../../../engine/src/autodiff';

export interface InputSpec {
  shape: number[];
  dtype?: DType;
  /** Symbolic shape for the graph input (defaults to `shape`). */
  symbolicShape?: Dim[];
  /** Values; default: uniform in [−1, 1] (or [0.5, 1.5] with positive). */
  values?: number[];
  positive?: boolean;
  /** Differentiate with respect to this input (default: float inputs). */
  differentiate?: boolean;
}

/** A small deterministic generator so failures reproduce. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function valuesFor(spec: InputSpec, next: () => number): number[] {
  if (spec.values) return spec.values;
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, () => (spec.positive ? 0.5 + next() : 2 * next() - 1));
}

export interface GradCheckResult {
  opTypes: Set<string>;
  maxError: number;
}

/** Builds the graph in float64, runs analytic and numeric gradients, and asserts they agree. */
export interface GradCheckOptions {
  seed?: number;
  /** Central-difference step (default 1e-6) and relative tolerance (default 1e-5). */
  step?: number;
  tolerance?: number;
}

export async function gradCheck(specs: InputSpec[], build: (...inputs: Value[]) => Value, options: GradCheckOptions = {}): Promise<GradCheckResult> {
  const { seed = 1, step = 1e-6, tolerance = 1e-5 } = options;
  const next = random(seed);
  const g = new Graph({ name: 'gradcheck' });
  const inputs = specs.map((spec, i) => g.input(`in${i}`, spec.dtype ?? 'float64', spec.symbolicShape ?? spec.shape));
  const tapeStart = g.tape.length;
  const out = build(...inputs);
  const opTypes = new Set(g.tape.slice(tapeStart).map((e) => e.opType));
  const outShape = out.shape.map((d) => (typeof d === 'number' ? d : NaN));
  const projection = Float64Array.from({ length: outShape.every(Number.isFinite) ? outShape.reduce((a, b) => a * b, 1) : 0 }, () => 2 * next() - 1);
  const loss = outShape.every(Number.isFinite) ? ops.reduceSum(ops.mul(out, g.initializer('projection', 'float64', outShape, projection))) : ops.reduceSum(out);
  const wrtIndex = specs.map((s, i) => ((s.differentiate ?? (s.dtype ?? 'float64') === 'float64') ? i : -1)).filter((i) => i >= 0);
  const grads = gradients(g, loss, wrtIndex.map((i) => inputs[i]));
  g.output(loss, 'loss');
  grads.forEach((grad, k) => g.output(grad, `grad${k}`));
  const session = await createSession(g, { intraOpThreads: 1 });

  const data = specs.map((spec) => valuesFor(spec, next));
  const feeds = (): Record<string, ort.Tensor> => Object.fromEntries(specs.map((spec, i) => [`in${i}`, tensor(spec.dtype ?? 'float64', spec.shape, data[i])]));
  const analytic = await session.run(feeds());
  const lossAt = async () => (await session.run(feeds())).loss.data[0] as number;

  let maxError = 0;
  for (const [k, i] of wrtIndex.entries()) {
    const grad = analytic[`grad${k}`].data as Float64Array;
    assert.deepEqual(Array.from(analytic[`grad${k}`].dims), specs[i].shape, `gradient ${k} has the input's shape`);
    for (let j = 0; j < data[i].length; j++) {
      const original = data[i][j];
      data[i][j] = original + step;
      const up = await lossAt();
      data[i][j] = original - step;
      const down = await lossAt();
      data[i][j] = original;
      const numeric = (up - down) / (2 * step);
      const error = Math.abs(numeric - grad[j]) / Math.max(1, Math.abs(numeric));
      maxError = Math.max(maxError, error);
      assert.ok(error < tolerance, `d loss / d in${i}[${j}]: analytic ${grad[j]} vs numeric ${numeric} (ops ${[...opTypes].join(', ')})`);
    }
  }
  return { opTypes, maxError };
}
