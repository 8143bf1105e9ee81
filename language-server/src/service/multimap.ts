// A compact multimap from 53-bit hash keys to int32 ids, in typed arrays: millions of entries cost ~20 bytes each
// instead of a Map of arrays' ~100, which keeps `finetune lint` on a multi-gigabyte file within memory.
// Entries are never removed one by one; owners mark ids dead and call `compact` when dead entries pile up.
import { fmix32 } from './hash';

export class NumberMultiMap {
  private keys = new Float64Array(1024);
  private values = new Int32Array(1024);
  private next = new Int32Array(1024);
  private heads = new Int32Array(1024).fill(-1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  private slot(key: number): number {
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296);
    return fmix32(low ^ Math.imul(high, 0x9e3779b1)) & (this.heads.length - 1);
  }

  add(key: number, value: number): void {
    if (this.count === this.keys.length) this.grow();
    const entry = this.count++;
    this.keys[entry] = key;
    this.values[entry] = value;
    const slot = this.slot(key);
    this.next[entry] = this.heads[slot];
    this.heads[slot] = entry;
  }

  /** Calls `visit` with every id stored under `key` (at most `limit`), newest first; stop early by returning false. */
  forEach(key: number, visit: (value: number) => boolean | void, limit = Infinity): void {
    let visited = 0;
    for (let entry = this.heads[this.slot(key)]; entry >= 0; entry = this.next[entry]) {
      if (this.keys[entry] !== key) continue;
      if (visit(this.values[entry]) === false || ++visited >= limit) return;
    }
  }

  has(key: number): boolean {
    let found = false;
    this.forEach(key, () => {
      found = true;
      return false;
    });
    return found;
  }

  /** Keeps only the entries whose id is still alive. */
  compact(isAlive: (value: number) => boolean): void {
    const keys = this.keys.slice(0, this.count);
    const values = this.values.slice(0, this.count);
    this.count = 0;
    this.heads.fill(-1);
    for (let entry = 0; entry < keys.length; entry++) if (isAlive(values[entry])) this.add(keys[entry], values[entry]);
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = new Float64Array(capacity);
    keys.set(this.keys);
    const values = new Int32Array(capacity);
    values.set(this.values);
    this.keys = keys;
    this.values = values;
    this.next = new Int32Array(capacity);
    this.heads = new Int32Array(capacity).fill(-1);
    for (let entry = 0; entry < this.count; entry++) {
      const slot = this.slot(this.keys[entry]);
      this.next[entry] = this.heads[slot];
      this.heads[slot] = entry;
    }
  }
}
