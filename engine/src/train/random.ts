// A small seeded generator (SplitMix32-style mixing over a 32-bit counter) whose whole state is one number, so a
// checkpoint can store it and --resume continues with exactly the same draws.

export class SeededRandom {
  constructor(private state: number) {
    this.state = state >>> 0;
  }

  /** The state to store in a checkpoint; `new SeededRandom(saved)` continues the sequence. */
  get savedState(): number {
    return this.state;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  }

  /** A uniform integer in [0, bound). */
  integer(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index--) {
      const other = this.integer(index + 1);
      [items[index], items[other]] = [items[other], items[index]];
    }
    return items;
  }

  /** An independent generator for a named purpose, so adding draws in one place does not shift another's. */
  fork(purpose: string): SeededRandom {
    let hash = this.state ^ 0x811c9dc5;
    for (let index = 0; index < purpose.length; index++) hash = Math.imul(hash ^ purpose.charCodeAt(index), 0x01000193) >>> 0;
    return new SeededRandom(hash);
  }
}

/** Standard normal draws (Box–Muller), e.g. torch.nn.Embedding's N(0, 1) initialisation. */
export function standardNormal(random: SeededRandom, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let index = 0; index < count; index += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = 2 * Math.PI * random.next();
    out[index] = radius * Math.cos(angle);
    if (index + 1 < count) out[index + 1] = radius * Math.sin(angle);
  }
  return out;
}
