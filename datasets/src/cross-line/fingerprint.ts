// What the cross-record rules index about a record: exact keys after whitespace/case normalisation (whole
// conversation, prompt, response; for a preference pair, the pair both ways round) and a MinHash signature for
// near-duplicates. Both come from the one pass of scanText over each field: normalised hashes per field, MinHash bins
// over word 3-shingles.
//
// MinHash uses one-permutation hashing (one hash per shingle, spread over 64 bins, Li et al. 2012) with rotation
// densification for empty bins. Signatures keep 16 bits per bin (b-bit MinHash: a false match per bin has
// probability 2^-16); LSH uses 8 bands of 2 bins (the first 16), which makes a pair with Jaccard 0.8 a candidate
// with probability 0.9997 (as 12 bands of 3 did, with a third fewer lookups in the band tables, which are most of
// the cross-record index's time), a pair at 0.5 with 0.90 and one at 0.3 with 0.53 (every candidate
// is verified on all 64 bins, so the looser filter costs some verifications, not false findings). Words (a CJK
// character counts as one) make shingles, as in large-scale deduplication; character shingles make unrelated texts
// of a small vocabulary look alike.
import { fmix32, Hasher, ROLE_TAG } from '../line/hash';
import { ShingleSink } from '../line/text-stats';
import type { SideHashes } from '../line/preference-sides';
import type { Role } from '../../../contracts/src/dataset-types';

export const SIGNATURE_BINS = 64;
export const BAND_ROWS = 2;
export const BANDS = 8;
/** Only the first words of a long record are shingled: near-duplicates differ early too, and time stays linear. */
export const MAX_SHINGLED_TOKENS = 2000;
/**
 * Candidates looked at per LSH bucket (the newest). A bucket that many records share (boilerplate) would otherwise
 * make the search quadratic; true near-duplicates share several bands, so one of them still finds the pair.
 */
export const MAX_BUCKET_CANDIDATES = 32;

/**
 * MinHash signatures and LSH band keys of many records, one slot per record (SIGNATURE_BINS values of `signatures`
 * and BANDS of `bands` from slot × each): typed arrays per record cost more to make than to fill, and the parallel
 * linter's blocks carry theirs whole from the worker to the index.
 */
export interface SignatureSlab {
  readonly signatures: Uint16Array;
  /** One int32 key per band (seeded with the band index), for the LSH multimap. */
  readonly bands: Int32Array;
}

export function signatureSlab(slots: number): SignatureSlab {
  return { signatures: new Uint16Array(slots * SIGNATURE_BINS), bands: new Int32Array(slots * BANDS) };
}

/** Where a record's signature goes: the parallel linter's block (slot: the line in the block), else a shared slab. */
export interface SignatureSlot {
  slab: SignatureSlab;
  slot: number;
}

export interface Fingerprint {
  full: number | null;
  prompt: number | null;
  response: number | null;
  /** The slab holding the MinHash signature and band keys in `slot` (null: no words to shingle). */
  slab: SignatureSlab | null;
  slot: number;
  /**
   * A preference pair's keys (null for other records, and while preference-contradiction is off): `preference` hashes
   * (prompt, chosen, rejected), `opposite` (prompt, rejected, chosen); a record whose `opposite` is an earlier
   * record's `preference` contradicts it.
   */
  preference: number | null;
  opposite: number | null;
}

/** A tag no conversation's hash starts with, so a pair's keys are never confused with `full` or `prompt` ones. */
const PAIR_TAG = 0x100;

const NO_PAIR: Pick<Fingerprint, 'preference' | 'opposite'> = { preference: null, opposite: null };

function pairKey(prompt: number, first: number, second: number): number {
  return new Hasher().addSeparator(PAIR_TAG).addHash(prompt).addSeparator(1).addHash(first).addSeparator(2).addHash(second).digest();
}

/**
 * The pair's `preference` and `opposite` keys; null when its two answers are the same (preference-identical's, and
 * such a pair would contradict its own copies).
 */
export function preferenceKeys(sides: SideHashes | null): Pick<Fingerprint, 'preference' | 'opposite'> {
  if (!sides || sides.chosen === sides.rejected) return NO_PAIR;
  return { preference: pairKey(sides.prompt, sides.chosen, sides.rejected), opposite: pairKey(sides.prompt, sides.rejected, sides.chosen) };
}

const sharedSink = new ShingleSink(MAX_SHINGLED_TOKENS);

/**
 * The one sink records are shingled into, emptied for each record: a 256-byte typed array lives off the V8 heap,
 * and allocating one per record cost more than filling it. Line analysis is synchronous, so nothing else holds it.
 */
export function freshShingleSink(): ShingleSink {
  sharedSink.mins.fill(0x7fffffff);
  sharedSink.shingles = 0;
  sharedSink.tokens = 0;
  return sharedSink;
}

// Records analysed outside a parallel linter's block share slabs of 1,024 slots.
const SHARED_SLOTS = 1024;
const shared: SignatureSlot = { slab: signatureSlab(SHARED_SLOTS), slot: -1 };

function nextSharedSlot(): SignatureSlot {
  if (++shared.slot === SHARED_SLOTS) {
    shared.slab = signatureSlab(SHARED_SLOTS);
    shared.slot = 0;
  }
  return shared;
}

const fullBins = new Int32Array(SIGNATURE_BINS);

export interface HashedField {
  role: Role;
  turn: number;
  hash: number;
}

/** Marks the fields outside a preference pair's chosen conversation (its rejected answer) in the pair's `full` key. */
const OUTSIDE_TAG = 0x101;

/**
 * Keys from the fields' normalised hashes (in record order; fields of turn -1 are not in the conversation).
 * `answer` is the index of the last assistant turn, or -1 (plain text has no prompt/response split); `sides`, a
 * preference pair's hashes when preference-contradiction is on. A preference pair (`pair`) is a duplicate only of the
 * same prompt with the same two answers, so its `full` key covers the rejected side too; and it has no `response` key:
 * one prompt with several chosen answers is how preference data is made (not conflicting-duplicate), and a pair that
 * turns an earlier one round is preference-contradiction's.
 */
export function fingerprint(fields: readonly HashedField[], answer: number, sink: ShingleSink | null, sides: SideHashes | null = null, pair = false, target: SignatureSlot | null = null): Fingerprint {
  const full = new Hasher();
  const prompt = new Hasher();
  const response = new Hasher();
  let any = false;
  for (const field of fields) {
    if (field.turn < 0) {
      if (pair) full.addSeparator(OUTSIDE_TAG).addSeparator(ROLE_TAG[field.role]).addHash(field.hash);
      continue;
    }
    any = true;
    full.addSeparator(ROLE_TAG[field.role]).addHash(field.hash);
    if (answer < 0) continue;
    if (field.turn < answer) prompt.addSeparator(ROLE_TAG[field.role]).addHash(field.hash);
    else if (field.turn === answer) response.addHash(field.hash);
  }
  const place = sink && sink.shingles > 0 ? (target ?? nextSharedSlot()) : null;
  if (place) densify(sink!.mins, place.slab, place.slot);
  const keys = preferenceKeys(sides);
  return {
    full: any ? full.digest() : null,
    prompt: answer > 0 && !prompt.isEmpty ? prompt.digest() : null,
    response: answer > 0 && !pair ? response.digest() : null,
    slab: place ? place.slab : null,
    slot: place ? place.slot : -1,
    preference: keys.preference,
    opposite: keys.opposite,
  };
}

/** Rotation densification: an empty bin borrows the next non-empty bin's value, mixed with the distance. */
function densify(mins: Int32Array, slab: SignatureSlab, slot: number): void {
  const full = fullBins;
  const signatures = slab.signatures;
  const at = slot * SIGNATURE_BINS;
  for (let bin = 0; bin < SIGNATURE_BINS; bin++) {
    let source = bin;
    let distance = 0;
    while (mins[source] === 0x7fffffff) {
      source = (source + 1) & (SIGNATURE_BINS - 1);
      distance++;
    }
    full[bin] = distance === 0 ? mins[source] : fmix32(mins[source] + Math.imul(distance, 0x9e3779b9));
    signatures[at + bin] = full[bin] & 0xffff;
  }
  const bands = slab.bands;
  for (let band = 0; band < BANDS; band++) {
    let h = band + 1;
    for (let row = 0; row < BAND_ROWS; row++) h = fmix32(Math.imul(h, 0x01000193) ^ full[band * BAND_ROWS + row]);
    bands[slot * BANDS + band] = h;
  }
}

/** The record's key in an LSH band (it must have a signature). */
export function bandKey(print: Fingerprint, band: number): number {
  return print.slab!.bands[print.slot * BANDS + band];
}

/** Estimated Jaccard similarity of two records with signatures: the share of bins where they agree. */
export function similarity(a: Fingerprint, b: Fingerprint): number {
  return signatureSimilarity(a.slab!.signatures, a.slot * SIGNATURE_BINS, b.slab!.signatures, b.slot * SIGNATURE_BINS);
}

/** The same for signatures stored elsewhere: SIGNATURE_BINS values of `x` from `xAt` and of `y` from `yAt`. */
export function signatureSimilarity(x: Uint16Array, xAt: number, y: Uint16Array, yAt: number): number {
  let same = 0;
  // without a branch: (x ^ y) - 1 is negative only when the bins are equal; with ~80% of bins equal at random, a
  // branch was mispredicted several times per record
  for (let bin = 0; bin < SIGNATURE_BINS; bin++) same += ((x[xAt + bin] ^ y[yAt + bin]) - 1) >>> 31;
  return same / SIGNATURE_BINS;
}
