// Cross-record checks for a file read once from top to bottom (`finetune lint`, the trainer's loader): each record
// is compared with the ones before it, so findings stream out in line order. Memory stays near 400 bytes per record
// (typed-array maps, 16-bit MinHash signatures; a preference pair adds one key of 12–24 bytes, hashes, never text);
// near-duplicate search stops after NEAR_DUPLICATE_LIMIT records.
import { BANDS, bandKey, MAX_BUCKET_CANDIDATES, SIGNATURE_BINS, signatureSimilarity, type Fingerprint } from './fingerprint';
import { FirstValueMap, WindowedMultiMap } from './multimap';
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
  private readonly bands: WindowedMultiMap[] = [];
  /**
   * Signatures stay where the analysis wrote them (a worker's block, a slab of fingerprint.ts): each slot points into
   * one of `signatureSources`. Copying them would touch as much fresh memory again, and page faults are not cheap.
   */
  private readonly signatureSources: Uint16Array[] = [];
  private signatureSource = new Int32Array(1024);
  private signatureOffset = new Int32Array(1024);
  private signatureLines = new Int32Array(1024);
  private signatureCount = 0;
  private lastSource: Uint16Array | null = null;
  /** Per record of the block being searched and band, the newest earlier entry under its key (reused). */
  private heads = new Int32Array(0);
  /** Per band, the next candidate of the record being searched and its last one (nearest's merge, reused). */
  private readonly cursors = new Int32Array(BANDS);
  private readonly cursorEnds = new Int32Array(BANDS);
  /** Set once near-duplicate search stopped for size. */
  nearDuplicateLimitReached = false;
  /** Where the reads of WindowedMultiMap.touch go, so the compiler cannot drop them. */
  private touched = 0;

  /**
   * `expectedRecords`, when known (from the file size), sizes the LSH tables once. The per-record arrays get twice
   * that: the guess is often short (records under 1 KB), growing copies every array, and pages never written cost
   * no memory.
   */
  constructor(private readonly threshold: number, private readonly nearDuplicates: boolean, expectedRecords = 0) {
    this.exact = new FirstValueMap(expectedRecords);
    this.prompts = new FirstValueMap(expectedRecords);
    if (expectedRecords > 1024) {
      this.responses = new Float64Array(2 * expectedRecords);
      this.promptLines = new Int32Array(2 * expectedRecords);
    }
    const expected = nearDuplicates ? Math.min(expectedRecords, NEAR_DUPLICATE_LIMIT) : 0;
    for (let band = 0; band < BANDS; band++) this.bands.push(new WindowedMultiMap(MAX_BUCKET_CANDIDATES, expected, Math.min(2 * expected, NEAR_DUPLICATE_LIMIT)));
    if (expected > 1024) {
      const entries = Math.min(2 * expected, NEAR_DUPLICATE_LIMIT);
      this.signatureSource = new Int32Array(entries);
      this.signatureOffset = new Int32Array(entries);
      this.signatureLines = new Int32Array(entries);
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
    // Per record and band, the newest earlier record under its band key (-1: none), and per record the earliest of
    // its candidates: the newest MAX_BUCKET_CANDIDATES of each of its buckets, whose oldest the table keeps at hand.
    if (this.heads.length < prints.length * BANDS) this.heads = new Int32Array(prints.length * BANDS);
    const earliest = new Int32Array(prints.length).fill(0x7fffffff);
    for (let band = 0; band < BANDS; band++) {
      const table = this.bands[band];
      let touched = 0;
      for (let i = 0; i < prints.length; i++) if (slots[i] >= 0) touched ^= table.touch(bandKey(prints[i]!, band));
      this.touched ^= touched;
      for (let i = 0; i < prints.length; i++) {
        if (slots[i] < 0) continue;
        // adds the record under its band key (as entry `slots[i]`: every band holds every slot, in order)
        const head = table.add(bandKey(prints[i]!, band));
        this.heads[i * BANDS + band] = head;
        if (head >= 0) {
          const oldest = table.oldestInWindowOf(head);
          if (oldest < earliest[i]) earliest[i] = oldest;
        }
      }
    }
    for (let i = 0; i < prints.length; i++) {
      if (slots[i] >= 0 && earliest[i] !== 0x7fffffff) results[i] = combine(results[i], this.nearest(slots[i], i, earliest[i]));
    }
    return results;
  }

  /**
   * The earliest candidate of the record in `slot` (block position `i`) at or above the threshold. Slots are given
   * in file order, so in ascending order the first one close enough is the answer. The earliest is tried first: on
   * templated data, where every bucket is full, it nearly always is the answer. Otherwise each band's window (its
   * oldest entry up to the bucket's newest before this record, linked oldest to newest) is merged in ascending order,
   * stopping at the first match, where sorting every candidate cost a walk of all of them.
   */
  private nearest(slot: number, i: number, earliest: number): CrossMatch | null {
    const match = this.matchWith(slot, earliest);
    if (match) return match;
    const cursors = this.cursors;
    const ends = this.cursorEnds;
    for (let band = 0; band < BANDS; band++) {
      const head = this.heads[i * BANDS + band];
      ends[band] = head;
      cursors[band] = head < 0 ? 0x7fffffff : this.bands[band].oldestInWindowOf(head);
    }
    let previous = earliest;
    for (;;) {
      let next = 0x7fffffff;
      for (let band = 0; band < BANDS; band++) if (cursors[band] < next) next = cursors[band];
      if (next === 0x7fffffff) return null;
      // found under several bands, or the earliest already tried
      if (next !== previous) {
        const found = this.matchWith(slot, next);
        if (found) return found;
        previous = next;
      }
      for (let band = 0; band < BANDS; band++) {
        if (cursors[band] !== next) continue;
        cursors[band] = next === ends[band] ? 0x7fffffff : this.bands[band].newerEntry(next);
      }
    }
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
    if (!this.nearDuplicates || !print.slab) return -1;
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
    const signatures = print.slab.signatures;
    if (signatures !== this.lastSource) {
      this.lastSource = signatures;
      this.signatureSources.push(signatures);
    }
    this.signatureSource[slot] = this.signatureSources.length - 1;
    this.signatureOffset[slot] = print.slot * SIGNATURE_BINS;
    return slot;
  }

  /** A near-duplicate match of the record in `slot` with the one in `other`, or null below the threshold. */
  private matchWith(slot: number, other: number): CrossMatch | null {
    const sources = this.signatureSources;
    const score = signatureSimilarity(sources[this.signatureSource[slot]], this.signatureOffset[slot], sources[this.signatureSource[other]], this.signatureOffset[other]);
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
