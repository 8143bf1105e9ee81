// Cross-record checks for a file read once from top to bottom (`finetune lint`, the trainer's loader): each record
// is compared with the ones before it, so findings stream out in line order. Memory stays near 400 bytes per record
// (typed-array maps, 16-bit MinHash signatures; a preference pair adds one key of 12–24 bytes, hashes, never text);
// near-duplicate search stops after NEAR_DUPLICATE_LIMIT records.
import { BANDS, MAX_BUCKET_CANDIDATES, SIGNATURE_BINS, type Fingerprint } from './fingerprint';
import { FirstValueMap, Int32MultiMap } from './multimap';
import type { CrossMatch } from '../rules/rule';

export const NEAR_DUPLICATE_LIMIT = 500_000;

export class StreamIndex {
  private readonly exact: FirstValueMap;
  private readonly prompts: FirstValueMap;
  /** Preference pairs' keys (Fingerprint.preference) → first line; made on the first pair, so other data never pays. */
  private pairs: FirstValueMap | null = null;
  private responses = new Float64Array(1024);
  private promptLines = new Int32Array(1024);
  /**
   * One LSH table per band. A block of records is searched band by band (addBlock), so each pass works in one
   * band's table, small enough for the caches, where record by record every lookup lands in a different table.
   */
  private readonly bands: Int32MultiMap[] = [];
  /**
   * Signatures stay where the analysis wrote them (a worker's block, a slab of fingerprint.ts): each slot points into
   * one of `signatureSources`. Copying them would touch as much fresh memory again, and page faults are not cheap.
   */
  private readonly signatureSources: Uint16Array[] = [];
  private signatureSource = new Int32Array(1024);
  private signatureOffset = new Int32Array(1024);
  private signatureLines = new Int32Array(1024);
  private signatureCount = 0;
  private lastSourceBuffer: ArrayBufferLike | null = null;
  /** The candidates of the block being searched, BANDS × MAX_BUCKET_CANDIDATES per record (reused). */
  private candidates = new Int32Array(0);
  /** Set once near-duplicate search stopped for size. */
  nearDuplicateLimitReached = false;
  /** Where the reads of Int32MultiMap.touch go, so the compiler cannot drop them. */
  private touched = 0;

  /** `expectedRecords`, when known (from the file size), sizes the LSH tables once. */
  constructor(private readonly threshold: number, private readonly nearDuplicates: boolean, expectedRecords = 0) {
    this.exact = new FirstValueMap(expectedRecords);
    this.prompts = new FirstValueMap(expectedRecords);
    if (expectedRecords > 1024) {
      this.responses = new Float64Array(expectedRecords);
      this.promptLines = new Int32Array(expectedRecords);
    }
    const expected = nearDuplicates ? Math.min(expectedRecords, NEAR_DUPLICATE_LIMIT) : 0;
    for (let band = 0; band < BANDS; band++) this.bands.push(new Int32MultiMap(expected));
    if (expected > 1024) {
      this.signatureSource = new Int32Array(expected);
      this.signatureOffset = new Int32Array(expected);
      this.signatureLines = new Int32Array(expected);
    }
  }

  /**
   * For each record of a block in file order (null: a line without a fingerprint), the earlier record it repeats,
   * contradicts (a preference pair preferring the opposite answer), conflicts with or nearly repeats (in that order of
   * precedence), or null; records of the block count as earlier for the ones after them. The exact and prompt indexes go record by record, the near-duplicate search band by band.
   */
  addBlock(lines: ArrayLike<number>, prints: ReadonlyArray<Fingerprint | null>): Array<CrossMatch | null> {
    const results: Array<CrossMatch | null> = new Array<CrossMatch | null>(prints.length).fill(null);
    const slots = new Int32Array(prints.length).fill(-1);
    let searched = 0;
    prints.forEach((print, i) => {
      if (!print) return;
      results[i] = this.exactMatch(lines[i], print);
      // indexed whatever else the record matches, so later pairs find it
      const contradiction = this.contradictionOf(lines[i], print);
      if (results[i]) return;
      const conflict = this.conflictOf(lines[i], print);
      results[i] = contradiction ?? conflict;
      slots[i] = this.signatureSlot(lines[i], print);
      if (slots[i] >= 0) searched++;
    });
    if (searched === 0) return results;
    // Each record's candidates go to its own stretch of one reused buffer: templated data fills every bucket it
    // touches, and a list per record (8 bands × 32 candidates) was most of lint's garbage there.
    const stride = BANDS * MAX_BUCKET_CANDIDATES;
    if (this.candidates.length < prints.length * stride) this.candidates = new Int32Array(prints.length * stride);
    const counts = new Int32Array(prints.length);
    for (let band = 0; band < BANDS; band++) {
      const table = this.bands[band];
      let touched = 0;
      for (let i = 0; i < prints.length; i++) if (slots[i] >= 0) touched ^= table.touch(prints[i]!.bands![band]);
      this.touched ^= touched;
      for (let i = 0; i < prints.length; i++) {
        if (slots[i] < 0) continue;
        // adds the record under its band key and takes the newest records that had it
        const key = prints[i]!.bands![band];
        let visited = 0;
        for (let entry = table.addAndGetPrevious(key, slots[i]); entry >= 0 && visited < MAX_BUCKET_CANDIDATES; entry = table.nextEntry(key, entry), visited++) {
          this.candidates[i * stride + counts[i]++] = table.valueAt(entry);
        }
      }
    }
    for (let i = 0; i < prints.length; i++) {
      if (slots[i] >= 0 && counts[i] > 0) results[i] = combine(results[i], this.nearest(slots[i], i * stride, counts[i]));
    }
    return results;
  }

  private exactMatch(line: number, print: Fingerprint): CrossMatch | null {
    if (print.full === null) return null;
    const first = this.exact.firstOrAdd(print.full, line);
    return first >= 0 ? { rule: 'duplicate', first } : null;
  }

  /** The first earlier pair whose preference is this one's opposite; stores this pair's key. */
  private contradictionOf(line: number, print: Fingerprint): CrossMatch | null {
    if (print.preference === null || print.opposite === null) return null;
    this.pairs ??= new FirstValueMap();
    const first = this.pairs.get(print.opposite);
    this.pairs.firstOrAdd(print.preference, line);
    return first >= 0 ? { rule: 'preference-contradiction', first } : null;
  }

  private conflictOf(line: number, print: Fingerprint): CrossMatch | null {
    if (print.prompt === null || print.response === null) return null;
    const slot = this.prompts.size;
    const first = this.prompts.firstOrAdd(print.prompt, slot);
    if (first < 0) {
      if (slot >= this.responses.length) {
        this.responses = grown(this.responses, new Float64Array(this.responses.length * 2));
        this.promptLines = grown(this.promptLines, new Int32Array(this.promptLines.length * 2));
      }
      this.responses[slot] = print.response;
      this.promptLines[slot] = line;
      return null;
    }
    return this.responses[first] !== print.response ? { rule: 'conflicting-duplicate', first: this.promptLines[first] } : null;
  }

  /** Stores the record's signature and returns its slot, or -1 when it takes no part in the near-duplicate search. */
  private signatureSlot(line: number, print: Fingerprint): number {
    if (!this.nearDuplicates || !print.signature || !print.bands) return -1;
    if (this.signatureCount >= NEAR_DUPLICATE_LIMIT) {
      this.nearDuplicateLimitReached = true;
      return -1;
    }
    const slot = this.signatureCount++;
    if (slot >= this.signatureLines.length) {
      const length = this.signatureLines.length * 2;
      this.signatureLines = grown(this.signatureLines, new Int32Array(length));
      this.signatureSource = grown(this.signatureSource, new Int32Array(length));
      this.signatureOffset = grown(this.signatureOffset, new Int32Array(length));
    }
    this.signatureLines[slot] = line;
    const signature = print.signature;
    if (signature.buffer !== this.lastSourceBuffer) {
      this.lastSourceBuffer = signature.buffer;
      this.signatureSources.push(new Uint16Array(signature.buffer));
    }
    this.signatureSource[slot] = this.signatureSources.length - 1;
    this.signatureOffset[slot] = signature.byteOffset >> 1;
    return slot;
  }

  /**
   * The earliest of `count` candidates (from `start` in the buffer) at or above the threshold. Slots are given in
   * file order, so in ascending order the first one close enough is the answer. The earliest is tried before any
   * sorting: on templated data, where every bucket is full (8 × 32 candidates), it nearly always is the answer.
   */
  private nearest(slot: number, start: number, count: number): CrossMatch | null {
    let earliest = this.candidates[start];
    for (let c = start + 1; c < start + count; c++) if (this.candidates[c] < earliest) earliest = this.candidates[c];
    const match = this.matchWith(slot, earliest);
    if (match || count === 1) return match;
    const candidates = this.candidates.subarray(start, start + count).sort();
    for (let c = 0; c < count; c++) {
      // found under several bands, or the earliest already tried
      if (candidates[c] === earliest || (c > 0 && candidates[c] === candidates[c - 1])) continue;
      const found = this.matchWith(slot, candidates[c]);
      if (found) return found;
    }
    return null;
  }

  /** A near-duplicate match of the record in `slot` with the one in `other`, or null below the threshold. */
  private matchWith(slot: number, other: number): CrossMatch | null {
    const ownSignatures = this.signatureSources[this.signatureSource[slot]];
    const own = this.signatureOffset[slot];
    const signatures = this.signatureSources[this.signatureSource[other]];
    const base = this.signatureOffset[other];
    let same = 0;
    for (let bin = 0; bin < SIGNATURE_BINS; bin++) if (signatures[base + bin] === ownSignatures[own + bin]) same++;
    const score = same / SIGNATURE_BINS;
    return score >= this.threshold ? { rule: 'near-duplicate', first: this.signatureLines[other], similarity: score } : null;
  }
}

/**
 * The same prompt with an almost identical answer is a near-duplicate, not two conflicting answers; a contradiction
 * stays one however alike the two chosen answers are.
 */
function combine(match: CrossMatch | null, near: CrossMatch | null): CrossMatch | null {
  if (match?.rule === 'conflicting-duplicate' && near && near.first === match.first) return near;
  return match ?? near;
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
