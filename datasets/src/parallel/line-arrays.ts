// The per-line arrays of a block's analysis (lint-worker.ts), carved out of one buffer that goes back and forth
// between the threads with the blocks: on this kind of virtual machine fresh memory costs a page fault per 4 KB,
// several times the writes that fill it (measured: 0.6–0.8 ms for a fresh 166 KB array vs 0.08 ms reused). The
// signatures are not in it: the near-duplicate index keeps them (cross-line/stream-index.ts). Shared memory, like
// the blocks (lint-parallel.ts says why).
import { BANDS } from '../cross-line/fingerprint';

/** The Fingerprint's exact keys, in `keys`: full, prompt, response, preference, opposite. */
export const KEYS_PER_LINE = 5;

const BYTES_PER_LINE = KEYS_PER_LINE * 8 + BANDS * 4 + 2 * 4 + 2 * 4 + 1 + 2;

export interface LineArrays {
  /** The buffer they share, to hand back for the next block. */
  buffer: SharedArrayBuffer;
  /** KIND_* of lint-worker.ts in the low bits, flags above. */
  kinds: Uint8Array;
  /** ownFormat and format per line, as 1 + index in FORMAT_ORDER (0: none). */
  formats: Uint8Array;
  /** KEYS_PER_LINE per line: full, prompt, response, then a preference pair's preference and opposite keys (NaN: none). */
  keys: Float64Array;
  /** The LSH band keys of a line with a signature. */
  bands: Int32Array;
  /** Primary key range per record (start, end); for oversized lines, the byte length in `start`. */
  ranges: Int32Array;
  /** A preference pair's chosen and rejected answer lengths per line (-1: not a pair). */
  sideLengths: Int32Array;
}

/**
 * Arrays for `count` lines in `spare` when it is large enough, else in a new buffer. Only `sideLengths` starts filled
 * (-1); the others hold what an earlier block left, and the analysis writes what its flags say a reader may read.
 */
export function lineArrays(count: number, spare: SharedArrayBuffer | null): LineArrays {
  const buffer = spare && spare.byteLength >= count * BYTES_PER_LINE ? spare : new SharedArrayBuffer(count * BYTES_PER_LINE);
  // widest elements first, so every array starts aligned
  const keys = new Float64Array(buffer, 0, count * KEYS_PER_LINE);
  let at = keys.byteLength;
  const bands = new Int32Array(buffer, at, count * BANDS);
  at += bands.byteLength;
  const ranges = new Int32Array(buffer, at, count * 2);
  at += ranges.byteLength;
  const sideLengths = new Int32Array(buffer, at, count * 2).fill(-1);
  at += sideLengths.byteLength;
  const kinds = new Uint8Array(buffer, at, count);
  const formats = new Uint8Array(buffer, at + count, count * 2);
  return { buffer, kinds, formats, keys, bands, ranges, sideLengths };
}
