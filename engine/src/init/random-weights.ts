// Deterministic random weights: normal(0, 0.02) for embeddings and linear layers (transformers' initializer_range),
// ones for RMSNorm weights (zeros for Gemma's (1 + w) norms), zeros for biases. Each tensor draws from its own stream seeded by (seed, tensor name), so
// a tensor's values do not depend on which others exist or in what order they are written.
import type { ExpectedTensor } from '../io/tensor-layout';

/** xoshiro128** (Blackman and Vigna), seeded through splitmix32. */
export class Random {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal by Box–Muller. */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a of the name mixed with the seed. */
export function tensorSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash >>> 0;
}

/** `unitNorm: false` for (1 + w) norms (Gemma), whose weights start at zero. */
export function initialTensor(tensor: ExpectedTensor, seed: number, options: { std?: number; unitNorm?: boolean } = {}): Float32Array {
  const std = options.std ?? 0.02;
  const size = tensor.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  if (tensor.kind === 'norm') return (options.unitNorm ?? true) ? data.fill(1) : data;
  if (tensor.kind === 'bias') return data;
  const random = new Random(tensorSeed(seed, tensor.name));
  for (let i = 0; i < size; i++) data[i] = std * random.normal();
  return data;
}
