// Fast non-cryptographic string hashing for the cross-line indexes (duplicates, conflicting duplicates, eval
// overlap). Two 32-bit multiply-xorshift lanes give a 53-bit result that is exact as a JS number, so hashes can key
// Maps and Float64Arrays without allocating strings.
import type { Role } from '../../../contracts/src/dataset-types';

/** Lower-case fold of every UTF-16 code unit that maps to a single code unit; built once on first use. */
let foldTable: Uint16Array | null = null;

/**
 * Blocks without case (CJK ideographs, Yi, Hangul syllables, surrogates, private use), skipped: asking ICU about their
 * 52k code units, which all map to themselves, took most of the table's 12–20 ms per thread (a test holds the table
 * equal to toLowerCase for every code unit).
 */
const CASELESS_BLOCKS: ReadonlyArray<readonly [number, number]> = [[0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa48f], [0xac00, 0xd7a3], [0xd800, 0xf8ff]];

export function caseFoldTable(): Uint16Array {
  if (foldTable) return foldTable;
  const table = new Uint16Array(65536);
  for (let code = 0; code < 65536; code++) table[code] = code;
  let from = 0;
  for (const [start, end] of [...CASELESS_BLOCKS, [65536, 65536] as const]) {
    for (let code = from; code < start; code++) {
      const lower = String.fromCharCode(code).toLowerCase();
      if (lower.length === 1) table[code] = lower.charCodeAt(0);
    }
    from = end + 1;
  }
  foldTable = table;
  return table;
}

/** A role's separator tag in the cross-line keys (Hasher.addSeparator), so "user: X" and "assistant: X" differ. */
export const ROLE_TAG: Record<Role, number> = { system: 1, user: 2, assistant: 3, tool: 4 };

/** Whitespace as JavaScript's \s sees it, for the code units that matter in datasets. */
export function isWhitespaceCode(code: number): boolean {
  return (
    code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0xfeff
  );
}

/**
 * An incremental hash over several strings. `addNormalized` folds case and collapses whitespace runs (leading and
 * trailing whitespace of each piece dropped), which is what "duplicate after whitespace/case normalisation" means.
 */
export class Hasher {
  // `| 0` keeps the lanes int32 from the start, so V8 never boxes them as doubles
  private h1 = 0xdeadbeef | 0;
  private h2 = 0x41c6ce57 | 0;
  private empty = true;

  private mix(code: number): void {
    this.h1 = Math.imul(this.h1 ^ code, 2654435761);
    this.h2 = Math.imul(this.h2 ^ code, 1597334677);
    this.empty = false;
  }

  addRaw(text: string): this {
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
    return this;
  }

  /** A separator that no character produces, so ["ab","c"] and ["a","bc"] hash differently. */
  addSeparator(tag = 0): this {
    this.mix(0x10000 + tag);
    return this;
  }

  /** Mixes a 53-bit hash (e.g. a field's normalised hash) in as two code units' worth. */
  addHash(value: number): this {
    this.mix(value >>> 0);
    this.mix(Math.floor(value / 4294967296));
    return this;
  }

  addNormalized(text: string): this {
    const fold = caseFoldTable();
    let pendingSpace = false;
    let started = false;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (isWhitespaceCode(code)) {
        pendingSpace = started;
        continue;
      }
      if (pendingSpace) {
        this.mix(32);
        pendingSpace = false;
      }
      started = true;
      this.mix(fold[code]);
    }
    return this;
  }

  get isEmpty(): boolean {
    return this.empty;
  }

  /** A 53-bit unsigned integer, exact as a double. */
  digest(): number {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}

export function hashString(text: string): number {
  return new Hasher().addRaw(text).digest();
}

/** murmur3's 32-bit finaliser: spreads the bits of an integer hash. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
