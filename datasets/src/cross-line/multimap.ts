// Compact maps from hash keys to int32 ids, in typed arrays: millions of entries cost 16–30 bytes each instead of a
// Map of arrays' ~100, which keeps `finetune lint` on a multi-gigabyte file within memory (and fresh memory is not
// free either: every page a grown array touches is a page fault). Multimap entries are never removed one by one;
// owners mark ids dead and call `compact` when dead entries pile up. Walks are closure-free: firstEntry/nextEntry/valueAt.
import { fmix32 } from '../line/hash';

/**
 * The first value stored under each 53-bit hash key (exact as a double): what the exact-duplicate and same-prompt
 * indexes need, where a collision would be a false finding, so the whole key is compared. Open addressing in two
 * typed arrays (12 bytes a slot), sized once when the expected count is known. Most lookups miss, and a miss probes
 * until a free slot, so the load stays at most one half.
 */
export class FirstValueMap {
  private keys: Float64Array;
  private values: Int32Array;
  private used = 0;

  constructor(expected = 0) {
    const slots = 2 ** Math.max(10, Math.ceil(Math.log2(2 * expected + 1)));
    this.keys = new Float64Array(slots);
    this.values = new Int32Array(slots).fill(-1);
  }

  get size(): number {
    return this.used;
  }

  private slotOf(key: number): number {
    const mask = this.values.length - 1;
    let slot = fmix32((key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1)) & mask;
    while (this.values[slot] >= 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  /** The value stored under `key`, or -1. */
  get(key: number): number {
    return this.values[this.slotOf(key)];
  }

  /** The value first stored under `key`, or -1 after storing `value` there (values are never negative). */
  firstOrAdd(key: number, value: number): number {
    const slot = this.slotOf(key);
    if (this.values[slot] >= 0) return this.values[slot];
    this.keys[slot] = key;
    this.values[slot] = value;
    if (++this.used > this.values.length / 2) this.rehash();
    return -1;
  }

  private rehash(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(values.length * 2).fill(-1);
    for (let slot = 0; slot < keys.length; slot++) {
      if (values[slot] < 0) continue;
      const at = this.slotOf(keys[slot]);
      this.keys[at] = keys[slot];
      this.values[at] = values[slot];
    }
  }
}

/** Linear probing stays short at this load (probes mostly stay in one cache line), and memory is time here. */
const MAX_LOAD = 0.8;

/** The slot of `key` in a table of (key, newest entry + 1) pairs, or the free slot (0 second) where it would go. */
function probe(table: Int32Array, key: number): number {
  const mask = (table.length >> 1) - 1;
  let slot = fmix32(key) & mask;
  while (table[2 * slot + 1] !== 0 && table[2 * slot] !== key) slot = (slot + 1) & mask;
  return slot;
}

/** `array` copied to the front of a new one of `length` (≥ its own), the rest zero: the entry arrays' growth. */
function widened<T extends Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(array: T, length: number): T {
  const wider = new (array.constructor as new (length: number) => T)(length);
  wider.set(array);
  return wider;
}

/** The same pairs in a table of `length` (2 × a power of two), probed again. */
function rehashed(previous: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const table = new Int32Array(length);
  for (let slot = 0; slot < previous.length; slot += 2) {
    if (previous[slot + 1] === 0) continue;
    const at = probe(table, previous[slot]);
    table[2 * at] = previous[slot];
    table[2 * at + 1] = previous[slot + 1];
  }
  return table;
}

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
    return probe(this.table, key);
  }

  add(key: number, value: number): void {
    this.addAndGetPrevious(key, value);
  }

  firstEntry(key: number): number {
    return this.table[2 * this.find(key) + 1] - 1;
  }

  /**
   * `add` that also returns the entry that was newest under `key` before (-1: none), walked on with nextEntry: one
   * probe for the lookup and the insert together.
   */
  addAndGetPrevious(key: number, value: number): number {
    if (this.count === this.values.length) this.growEntries();
    const entry = this.count++;
    this.values[entry] = value;
    const slot = this.find(key);
    const head = this.table[2 * slot + 1];
    this.older[entry] = head - 1;
    this.table[2 * slot] = key;
    this.table[2 * slot + 1] = entry + 1;
    if (head === 0 && ++this.used > (this.table.length >> 1) * MAX_LOAD) this.rehash(this.table.length * 2);
    return head - 1;
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
    this.values = widened(this.values, this.values.length * 2);
    this.older = widened(this.older, this.older.length * 2);
  }

  private rehash(length: number): void {
    this.table = rehashed(this.table, length);
  }
}

/**
 * An append-only multimap of int32 keys whose values are the entries' own ids, given in order (0, 1, 2…): the LSH
 * tables of a file read once (StreamIndex), where every record is added under each band once, in file order. Besides
 * each entry's older neighbour under its key it keeps the oldest entry of the `window` newest ones from each entry
 * on, updated in O(1) per add (through a newer-neighbour link), so the earliest of a bucket's newest `window`
 * candidates costs one read instead of a walk of the chain: on templated data every bucket is full, and those walks
 * were most of the near-duplicate search.
 */
export class WindowedMultiMap {
  /** Pairs (key, newest entry + 1); 0 in the second marks a free slot. */
  private table = new Int32Array(2048);
  private used = 0;
  private older = new Int32Array(1024);
  private newer = new Int32Array(1024);
  /** The oldest of the `window` entries from this one on (itself and older ones under its key). */
  private oldestInWindow = new Int32Array(1024);
  /** Entries from this one to the key's oldest, counted up to `window`. */
  private depth = new Uint8Array(1024);
  private count = 0;

  /** `expected` keys size the table, `entries` (default `expected`) the per-entry arrays, when known. */
  constructor(private readonly window: number, expected = 0, entries = expected) {
    if (window < 1 || window > 255) throw new RangeError(`window ${window} is outside 1..255`);
    if (entries > 1024) this.allocateEntries(entries);
    if (expected > 1024) this.table = new Int32Array(2 * 2 ** Math.ceil(Math.log2(expected / MAX_LOAD)));
  }

  get size(): number {
    return this.count;
  }

  private find(key: number): number {
    return probe(this.table, key);
  }

  /**
   * Adds the next entry (id `size`) under `key` and returns the entry that was newest under it before (-1: none):
   * the first of its candidates, walked on with `olderEntry`; `oldestInWindowOf` of it is the earliest candidate.
   */
  add(key: number): number {
    if (this.count === this.older.length) this.allocateEntries(this.count * 2);
    const entry = this.count++;
    const slot = this.find(key);
    const head = this.table[2 * slot + 1] - 1;
    this.older[entry] = head;
    this.newer[entry] = -1;
    if (head < 0) {
      this.depth[entry] = 1;
      this.oldestInWindow[entry] = entry;
    } else {
      this.newer[head] = entry;
      const depth = this.depth[head];
      if (depth < this.window) {
        // the key's whole chain fits the window: its oldest entry stays the oldest
        this.depth[entry] = depth + 1;
        this.oldestInWindow[entry] = this.oldestInWindow[head];
      } else {
        // the window moves one entry newer
        this.depth[entry] = depth;
        this.oldestInWindow[entry] = this.newer[this.oldestInWindow[head]];
      }
    }
    this.table[2 * slot] = key;
    this.table[2 * slot + 1] = entry + 1;
    if (head < 0 && ++this.used > (this.table.length >> 1) * MAX_LOAD) this.rehash(this.table.length * 2);
    return head;
  }

  /** The oldest of the `window` entries from `entry` on under its key. */
  oldestInWindowOf(entry: number): number {
    return this.oldestInWindow[entry];
  }

  /** The entry added under the same key just before `entry` (-1: none). */
  olderEntry(entry: number): number {
    return this.older[entry];
  }

  /** The entry added under the same key just after `entry` (-1: none yet). */
  newerEntry(entry: number): number {
    return this.newer[entry];
  }

  /** See Int32MultiMap.touch. */
  touch(key: number): number {
    return this.table[2 * (fmix32(key) & ((this.table.length >> 1) - 1))];
  }

  private allocateEntries(length: number): void {
    this.older = widened(this.older, length);
    this.newer = widened(this.newer, length);
    this.oldestInWindow = widened(this.oldestInWindow, length);
    this.depth = widened(this.depth, length);
  }

  private rehash(length: number): void {
    this.table = rehashed(this.table, length);
  }
}
