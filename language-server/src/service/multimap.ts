// Compact multimaps from hash keys to int32 ids, in typed arrays: millions of entries cost 16–20 bytes each instead
// of a Map of arrays' ~100, which keeps `finetune lint` on a multi-gigabyte file within memory (and fresh memory is
// not free either: every page a grown array touches is a page fault). Entries are never removed one by one; owners
// mark ids dead and call `compact` when dead entries pile up. Walks are closure-free: firstEntry/nextEntry/valueAt.
import { fmix32 } from './hash';

abstract class ChainedMultiMap {
  protected values = new Int32Array(1024);
  protected next = new Int32Array(1024);
  protected heads = new Int32Array(1024).fill(-1);
  protected count = 0;

  get size(): number {
    return this.count;
  }

  protected abstract slotOf(entry: number, mask: number): number;
  protected abstract keyIs(entry: number, key: number): boolean;
  protected abstract slotOfKey(key: number, mask: number): number;
  protected abstract setKey(entry: number, key: number): void;
  protected abstract growKeys(capacity: number): void;
  protected abstract keyAt(entry: number): number;

  add(key: number, value: number): void {
    if (this.count === this.values.length) this.grow();
    const entry = this.count++;
    this.setKey(entry, key);
    this.values[entry] = value;
    const slot = this.slotOfKey(key, this.heads.length - 1);
    this.next[entry] = this.heads[slot];
    this.heads[slot] = entry;
  }

  /** The newest entry stored under `key`, or -1. */
  firstEntry(key: number): number {
    return this.skipTo(key, this.heads[this.slotOfKey(key, this.heads.length - 1)]);
  }

  /** The next older entry under `key` after `entry`, or -1. */
  nextEntry(key: number, entry: number): number {
    return this.skipTo(key, this.next[entry]);
  }

  valueAt(entry: number): number {
    return this.values[entry];
  }

  private skipTo(key: number, entry: number): number {
    while (entry >= 0 && !this.keyIs(entry, key)) entry = this.next[entry];
    return entry;
  }

  /** Calls `visit` with every id stored under `key` (at most `limit`), newest first; stop early by returning false. */
  forEach(key: number, visit: (value: number) => boolean | void, limit = Infinity): void {
    let visited = 0;
    for (let entry = this.firstEntry(key); entry >= 0; entry = this.nextEntry(key, entry)) {
      if (visit(this.values[entry]) === false || ++visited >= limit) return;
    }
  }

  has(key: number): boolean {
    return this.firstEntry(key) >= 0;
  }

  /** Keeps only the entries whose id is still alive. */
  compact(isAlive: (value: number) => boolean): void {
    const live: number[] = [];
    for (let entry = 0; entry < this.count; entry++) if (isAlive(this.values[entry])) live.push(this.keyAt(entry), this.values[entry]);
    this.count = 0;
    this.heads.fill(-1);
    for (let i = 0; i < live.length; i += 2) this.add(live[i], live[i + 1]);
  }

  private grow(): void {
    const capacity = this.values.length * 2;
    this.growKeys(capacity);
    const values = new Int32Array(capacity);
    values.set(this.values);
    this.values = values;
    this.next = new Int32Array(capacity);
    this.heads = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const slot = this.slotOf(entry, mask);
      this.next[entry] = this.heads[slot];
      this.heads[slot] = entry;
    }
  }
}

/** Keys are 53-bit hashes (exact as doubles): exact-duplicate keys, where a collision would be a false finding. */
export class NumberMultiMap extends ChainedMultiMap {
  private keys = new Float64Array(1024);

  protected slotOfKey(key: number, mask: number): number {
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296);
    return fmix32(low ^ Math.imul(high, 0x9e3779b1)) & mask;
  }

  protected slotOf(entry: number, mask: number): number {
    return this.slotOfKey(this.keys[entry], mask);
  }

  protected keyIs(entry: number, key: number): boolean {
    return this.keys[entry] === key;
  }

  protected setKey(entry: number, key: number): void {
    this.keys[entry] = key;
  }

  protected keyAt(entry: number): number {
    return this.keys[entry];
  }

  protected growKeys(capacity: number): void {
    const keys = new Float64Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
  }
}

/** Linear probing stays short at this load (probes mostly stay in one cache line), and memory is time here. */
const MAX_LOAD = 0.8;

/**
 * Keys are int32 hashes: LSH band keys, whose candidates are verified by comparing signatures anyway. Open addressing
 * with each key next to its newest entry, so a lookup (nearly always a miss: most band keys are unique) touches one
 * cache line, where a chained table touches two; the older entries of a key chain through `older`.
 */
export class Int32MultiMap {
  /** Pairs (key, newest entry + 1); 0 in the second marks a free slot. */
  private table = new Int32Array(2048);
  private used = 0;
  private values = new Int32Array(1024);
  private older = new Int32Array(1024);
  private count = 0;

  /** `expected` entries, when known, size the arrays once instead of doubling (fresh pages cost page faults). */
  constructor(expected = 0) {
    if (expected > 1024) {
      this.values = new Int32Array(expected);
      this.older = new Int32Array(expected);
      this.table = new Int32Array(2 * 2 ** Math.ceil(Math.log2(expected / MAX_LOAD)));
    }
  }

  get size(): number {
    return this.count;
  }

  private find(key: number): number {
    const mask = (this.table.length >> 1) - 1;
    let slot = fmix32(key) & mask;
    while (this.table[2 * slot + 1] !== 0 && this.table[2 * slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  add(key: number, value: number): void {
    if (this.count === this.values.length) this.growEntries();
    const entry = this.count++;
    this.values[entry] = value;
    const slot = this.find(key);
    const head = this.table[2 * slot + 1];
    this.older[entry] = head - 1;
    this.table[2 * slot] = key;
    this.table[2 * slot + 1] = entry + 1;
    if (head === 0 && ++this.used > (this.table.length >> 1) * MAX_LOAD) this.rehash(this.table.length * 2);
  }

  firstEntry(key: number): number {
    return this.table[2 * this.find(key) + 1] - 1;
  }

  /**
   * Reads the key's home slot and nothing more. Called for a batch of keys before looking them up, these reads do not
   * wait on each other, so their cache misses overlap instead of coming one after another (JS has no prefetch).
   */
  touch(key: number): number {
    return this.table[2 * (fmix32(key) & ((this.table.length >> 1) - 1))];
  }

  /** Entries of one key chain directly: no key comparisons on the way. */
  nextEntry(_key: number, entry: number): number {
    return this.older[entry];
  }

  valueAt(entry: number): number {
    return this.values[entry];
  }

  forEach(key: number, visit: (value: number) => boolean | void, limit = Infinity): void {
    let visited = 0;
    for (let entry = this.firstEntry(key); entry >= 0; entry = this.older[entry]) {
      if (visit(this.values[entry]) === false || ++visited >= limit) return;
    }
  }

  has(key: number): boolean {
    return this.firstEntry(key) >= 0;
  }

  /** Keeps only the entries whose id is still alive (order within each key kept). */
  compact(isAlive: (value: number) => boolean): void {
    const keys: number[] = [];
    const chains: number[][] = [];
    for (let slot = 0; slot < this.table.length; slot += 2) {
      if (this.table[slot + 1] === 0) continue;
      const chain: number[] = [];
      for (let entry = this.table[slot + 1] - 1; entry >= 0; entry = this.older[entry]) if (isAlive(this.values[entry])) chain.push(this.values[entry]);
      if (chain.length) {
        keys.push(this.table[slot]);
        chains.push(chain);
      }
    }
    this.table.fill(0);
    this.used = 0;
    this.count = 0;
    keys.forEach((key, i) => {
      for (let j = chains[i].length - 1; j >= 0; j--) this.add(key, chains[i][j]);
    });
  }

  private growEntries(): void {
    const values = new Int32Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
    const older = new Int32Array(this.older.length * 2);
    older.set(this.older);
    this.older = older;
  }

  private rehash(length: number): void {
    const previous = this.table;
    this.table = new Int32Array(length);
    for (let slot = 0; slot < previous.length; slot += 2) {
      if (previous[slot + 1] === 0) continue;
      const at = this.find(previous[slot]);
      this.table[2 * at] = previous[slot];
      this.table[2 * at + 1] = previous[slot + 1];
    }
  }
}
