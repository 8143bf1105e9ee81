// What the cross-record rules index about a record: exact keys after whitespace/case normalisation (whole
// conversation, prompt, response) and a MinHash signature for near-duplicates. Both come from the one pass of
// scanText over each field: normalised hashes per field, MinHash bins over word 3-shingles.
//
// MinHash uses one-permutation hashing (one hash per shingle, spread over 64 bins, Li et al. 2012) with rotation
// densification for empty bins. Signatures keep 16 bits per bin (b-bit MinHash: a false match per bin has
// probability 2^-16); LSH uses 16 bands of 4 bins, which makes a pair with Jaccard 0.8 a candidate with probability
// 0.9998 and a pair at 0.3 with 0.12. Words (a CJK character counts as one) make shingles, as in large-scale
// deduplication; character shingles make unrelated texts of a small vocabulary look alike.
import { fmix32, Hasher } from './hash';
import { ShingleSink } from './text-stats';
import type { Role } from './types';

export const SIGNATURE_BINS = 64;
export const BAND_ROWS = 4;
export const BANDS = SIGNATURE_BINS / BAND_ROWS;
/** Only the first words of a long record are shingled: near-duplicates differ early too, and time stays linear. */
export const MAX_SHINGLED_TOKENS = 2000;
/**
 * Candidates looked at per LSH bucket (the newest). A bucket that many records share (boilerplate) would otherwise
 * make the search quadratic; true near-duplicates share several bands, so one of them still finds the pair.
 */
export const MAX_BUCKET_CANDIDATES = 32;

const ROLE_TAG: Record<Role, number> = { system: 1, user: 2, assistant: 3, tool: 4 };

export interface Fingerprint {
  full: number | null;
  prompt: number | null;
  response: number | null;
  signature: Uint16Array | null;
  /** One key per band (band index folded in), for the LSH multimap. */
  bands: number[] | null;
}

export function newShingleSink(): ShingleSink {
  return new ShingleSink(MAX_SHINGLED_TOKENS);
}

export interface HashedField {
  role: Role;
  turn: number;
  hash: number;
}

/**
 * Keys from the fields' normalised hashes (in record order; fields of turn -1 are not in the conversation).
 * `answer` is the index of the last assistant turn, or -1 (plain text has no prompt/response split).
 */
export function fingerprint(fields: readonly HashedField[], answer: number, sink: ShingleSink | null): Fingerprint {
  const full = new Hasher();
  const prompt = new Hasher();
  const response = new Hasher();
  let any = false;
  for (const field of fields) {
    if (field.turn < 0) continue;
    any = true;
    full.addSeparator(ROLE_TAG[field.role]).addHash(field.hash);
    if (answer < 0) continue;
    if (field.turn < answer) prompt.addSeparator(ROLE_TAG[field.role]).addHash(field.hash);
    else if (field.turn === answer) response.addHash(field.hash);
  }
  const signature = sink && sink.shingles > 0 ? densify(sink.mins) : null;
  return {
    full: any ? full.digest() : null,
    prompt: answer > 0 && !prompt.isEmpty ? prompt.digest() : null,
    response: answer > 0 ? response.digest() : null,
    signature: signature?.signature ?? null,
    bands: signature?.bands ?? null,
  };
}

/** Rotation densification: an empty bin borrows the next non-empty bin's value, mixed with the distance. */
function densify(mins: Int32Array): { signature: Uint16Array; bands: number[] } {
  const signature = new Uint16Array(SIGNATURE_BINS);
  const full = new Int32Array(SIGNATURE_BINS);
  for (let bin = 0; bin < SIGNATURE_BINS; bin++) {
    let source = bin;
    let distance = 0;
    while (mins[source] === 0x7fffffff) {
      source = (source + 1) % SIGNATURE_BINS;
      distance++;
    }
    full[bin] = distance === 0 ? mins[source] : fmix32(mins[source] + Math.imul(distance, 0x9e3779b9));
    signature[bin] = full[bin] & 0xffff;
  }
  const bands: number[] = [];
  for (let band = 0; band < BANDS; band++) {
    let h = band + 1;
    for (let row = 0; row < BAND_ROWS; row++) h = fmix32(Math.imul(h, 0x01000193) ^ full[band * BAND_ROWS + row]);
    bands.push(band * 4294967296 + h);
  }
  return { signature, bands };
}

/** Estimated Jaccard similarity: the share of bins where two signatures agree. */
export function similarity(a: Uint16Array, b: Uint16Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_BINS; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_BINS;
}
