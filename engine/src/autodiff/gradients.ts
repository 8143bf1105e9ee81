// Reverse-mode differentiation over a graph's tape: walks the entries between the requested values and the loss
// backwards, applying one rule per op type (rules.ts) and summing the gradients of values used more than once.

import { isFloat, ops, type Graph, type TapeEntry, type Value } from '../graph';
import { type GradientContext } from './context';
import { gradientRules } from './rules';

export interface GradientOptions {
  /** Gradient of the final objective with respect to `loss` (default: ones, i.e. d loss / d loss). */
  seed?: Value;
}

function sumAll(parts: Value[]): Value {
  if (parts.length === 1) return parts[0];
  return parts[0].graph.node('Sum', parts, [{ dtype: parts[0].dtype, shape: parts[0].shape }])[0];
}

/** Entries whose inputs depend on `wrt` and whose outputs reach one of `targets`, in tape order. */
function relevantEntries(tape: readonly TapeEntry[], targets: readonly Value[], wrt: readonly Value[]): { entries: TapeEntry[]; dependsOnWrt: Set<Value> } {
  const dependsOnWrt = new Set<Value>(wrt);
  const forward: TapeEntry[] = [];
  for (const entry of tape) {
    if (entry.inputs.some((v) => v && dependsOnWrt.has(v))) {
      forward.push(entry);
      for (const out of entry.outputs) dependsOnWrt.add(out);
    }
  }
  const reachesTargets = new Set<Value>(targets);
  const entries: TapeEntry[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const entry = forward[i];
    if (!entry.outputs.some((v) => reachesTargets.has(v))) continue;
    entries.push(entry);
    for (const input of entry.inputs) if (input) reachesTargets.add(input);
  }
  return { entries: entries.reverse(), dependsOnWrt };
}

/**
 * Appends the backward pass to `graph` and returns d loss / d w for each w in `wrt` (same shape and type as w).
 * A w the loss does not depend on gets zeros. An op on the path without a rule throws, naming the op.
 */
export function gradients(graph: Graph, loss: Value, wrt: readonly Value[], options: GradientOptions = {}): Value[] {
  const seed = options.seed ?? (loss.rank === 0 ? graph.scalar(1, loss.dtype) : ops.constantOfShape(ops.shapeOf(loss), loss.shape, loss.dtype, 1));
  return backpropagate(graph, graph.tape, [{ value: loss, grad: seed }], wrt);
}

/**
 * The backward pass over the entries of `tape` from several outputs, each seeded with its gradient (none: zero),
 * to `wrt`. `gradients` is the one-output case; gradient checkpointing runs it over a recomputed segment.
 * Returns null for a w that no seeded output depends on.
 */
export function backpropagate(graph: Graph, tape: readonly TapeEntry[], seeds: readonly { value: Value; grad: Value | null }[], wrt: readonly Value[]): Value[];
export function backpropagate(graph: Graph, tape: readonly TapeEntry[], seeds: readonly { value: Value; grad: Value | null }[], wrt: readonly Value[], zerosForUnused: false): (Value | null)[];
export function backpropagate(graph: Graph, tape: readonly TapeEntry[], seeds: readonly { value: Value; grad: Value | null }[], wrt: readonly Value[], zerosForUnused = true): (Value | null)[] {
  for (const w of wrt) if (!isFloat(w.dtype)) throw new Error(`gradients: ${w} is not a float tensor`);
  const seeded = seeds.filter((seed) => seed.grad !== null);
  const { entries, dependsOnWrt } = relevantEntries(tape.slice(), seeded.map((seed) => seed.value), wrt);
  const contributions = new Map<Value, Value[]>();
  const add = (value: Value, grad: Value) => {
    const list = contributions.get(value);
    if (list) list.push(grad);
    else contributions.set(value, [grad]);
  };
  for (const seed of seeded) add(seed.value, seed.grad!);

  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    const dy = entry.outputs.map((out) => {
      const parts = contributions.get(out);
      return parts ? sumAll(parts) : null;
    });
    if (dy.every((d) => d === null)) continue;
    const rule = gradientRules[entry.opType];
    if (rule === undefined) throw new Error(`gradients: no gradient rule for op '${entry.opType}' (output ${entry.outputs[0]?.name}); add one to engine/src/autodiff/rules.ts`);
    if (rule === 'no-gradient') continue;
    const needs = (k: number) => {
      const input = entry.inputs[k];
      return !!input && isFloat(input.dtype) && dependsOnWrt.has(input);
    };
    const context: GradientContext = { graph, entry, dy, needs, backpropagate: (segment, segmentSeeds, segmentWrt) => backpropagate(graph, segment, segmentSeeds, segmentWrt, false) };
    const grads = rule(context);
    entry.inputs.forEach((input, k) => {
      const grad = grads[k];
      if (!input || !grad || !needs(k)) return;
      if (grad.dtype !== input.dtype || grad.rank !== input.rank) {
        throw new Error(`gradients: rule for '${entry.opType}' gave ${grad} for input ${input}`);
      }
      add(input, grad);
    });
  }
  return wrt.map((w) => {
    const parts = contributions.get(w);
    if (parts) return sumAll(parts);
    return zerosForUnused ? ops.zerosLike(w) : null;
  });
}
