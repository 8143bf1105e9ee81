// Next-token choice from one row of logits, in transformers' order: repetition penalty, then temperature, top-k,
// top-p. Temperature 0 (or below) means greedy. All work is in place on a scratch copy; the caller's row is untouched.
import { SeededRandom } from '../train/random';

export interface SamplingOptions {
  /** 0 = greedy (argmax). Default 1 when sampling. */
  temperature?: number;
  /** Keep the k most likely tokens; 0 = off. */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p; 1 = off. */
  topP?: number;
  /** >1 discourages tokens already in the sequence (CTRL paper, as transformers implements it); 1 = off. */
  repetitionPenalty?: number;
}

export function validateSampling(options: SamplingOptions): string | undefined {
  const { temperature = 1, topK = 0, topP = 1, repetitionPenalty = 1 } = options;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) return `temperature must be a number >= 0, got ${temperature}`;
  if (!Number.isInteger(topK) || topK < 0) return `top-k must be an integer >= 0, got ${topK}`;
  if (!(topP > 0 && topP <= 1)) return `top-p must be in (0, 1], got ${topP}`;
  if (!(repetitionPenalty > 0) || !Number.isFinite(repetitionPenalty)) return `repetition penalty must be > 0, got ${repetitionPenalty}`;
  return undefined;
}

/** transformers' RepetitionPenaltyLogitsProcessor: positive logits divided, negative ones multiplied, once per token. */
export function applyRepetitionPenalty(logits: Float32Array, previous: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  const seen = new Set(previous);
  for (const token of seen) {
    if (token < 0 || token >= logits.length) continue;
    const value = logits[token];
    logits[token] = value > 0 ? value / penalty : value * penalty;
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index] > values[best]) best = index;
  return best;
}

/** Softmax in place (numerically stable); -Infinity entries become 0. */
export function softmaxInPlace(values: Float32Array): void {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  let sum = 0;
  for (let index = 0; index < values.length; index++) {
    const exp = Math.exp(values[index] - max);
    values[index] = exp;
    sum += exp;
  }
  for (let index = 0; index < values.length; index++) values[index] /= sum;
}

/**
 * The probability at or above which a token survives top-k and top-p. Sorting a float copy natively is far faster
 * than sorting indices with a comparator on a 150k vocabulary; ties at the threshold are all kept.
 */
function survivalThreshold(probabilities: Float32Array, topK: number, topP: number): number {
  if (topK <= 0 && topP >= 1) return 0;
  const sorted = Float32Array.from(probabilities).sort(); // ascending
  let threshold = 0;
  if (topK > 0 && topK < sorted.length) threshold = sorted[sorted.length - topK];
  if (topP < 1) {
    let cumulative = 0;
    for (let index = sorted.length - 1; index >= 0; index--) {
      cumulative += sorted[index];
      if (cumulative >= topP) {
        threshold = Math.max(threshold, sorted[index]);
        break;
      }
    }
  }
  return threshold;
}

/** A token sampler with its own seeded generator, so a seed reproduces the same text. */
export class Sampler {
  private readonly random: SeededRandom;
  private readonly scratch: { buffer: Float32Array | undefined } = { buffer: undefined };

  constructor(
    private readonly options: SamplingOptions,
    seed: number = Date.now(),
  ) {
    const problem = validateSampling(options);
    if (problem) throw new RangeError(problem);
    this.random = new SeededRandom(seed);
  }

  get greedy(): boolean {
    return (this.options.temperature ?? 1) <= 0;
  }

  /** Picks the next token from one row of logits given every token so far (prompt included, as transformers does). */
  next(logits: Float32Array, previous: readonly number[]): number {
    if (!this.scratch.buffer || this.scratch.buffer.length !== logits.length) this.scratch.buffer = new Float32Array(logits.length);
    const values = this.scratch.buffer;
    values.set(logits);
    applyRepetitionPenalty(values, previous, this.options.repetitionPenalty ?? 1);
    if (this.greedy) return argmax(values);

    const temperature = this.options.temperature ?? 1;
    for (let index = 0; index < values.length; index++) values[index] /= temperature;
    softmaxInPlace(values);
    const threshold = survivalThreshold(values, this.options.topK ?? 0, this.options.topP ?? 1);
    let kept = 0;
    for (let index = 0; index < values.length; index++) {
      if (values[index] < threshold) values[index] = 0;
      else kept += values[index];
    }
    let draw = this.random.next() * kept;
    let last = 0;
    for (let index = 0; index < values.length; index++) {
      if (values[index] === 0) continue;
      last = index;
      draw -= values[index];
      if (draw < 0) return index;
    }
    return last; // rounding left a sliver of probability: the last kept token takes it
  }
}
