// What the step-equality tests (gradient accumulation, packing) share: examples of different lengths whose last
// tokens are trained, and a comparison of tensors relative to their largest value.
import assert from 'node:assert/strict';
import type { TokenizedExample } from '../../../engine/src/train/batching';

/** [length, trained tokens] of six examples of different lengths. */
export const EXAMPLE_SHAPES = [[9, 3], [14, 8], [6, 2], [20, 11], [11, 4], [17, 9]];

/** Deterministic examples of EXAMPLE_SHAPES whose last `trained` tokens are targets; `offset` shifts the token ids. */
export function partlyTrainedExamples(vocabSize: number, offset = 0): TokenizedExample[] {
  return EXAMPLE_SHAPES.map(([length, targets], line) => {
    const ids = Array.from({ length }, (_, position) => (line * 31 + position * 7 + offset) % vocabSize);
    const trainedMask = Uint8Array.from({ length }, (_, position) => (position >= length - targets ? 1 : 0));
    return { line, ids, trainedMask };
  });
}

/** Every element within 1e-4 of the tensor's largest magnitude, plus `absolute` (float noise around zero). */
export function assertCloseToScale(actual: Float32Array, expected: Float32Array, what: string, absolute: number): void {
  let scale = 0;
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    scale = Math.max(scale, Math.abs(expected[index]));
    worst = Math.max(worst, Math.abs(actual[index] - expected[index]));
  }
  assert.ok(worst <= 1e-4 * scale + absolute, `${what}: differs by up to ${worst} (largest value ${scale})`);
}
