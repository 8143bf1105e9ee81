// Cross-record checks for a file read once from top to bottom (`finetune lint`, the trainer's loader): each record
// is compared with the ones before it, so findings stream out in line order. Memory stays near 40 bytes per record
// (typed-array multimaps, 16-bit MinHash signatures); near-duplicate search stops after NEAR_DUPLICATE_LIMIT records.
import { BANDS, MAX_BUCKET_CANDIDATES, SIGNATURE_BINS, similarity, type Fingerprint } from './fingerprint';
import { NumberMultiMap } from './multimap';

export const NEAR_DUPLICATE_LIMIT = 500_000;

export type CrossMatch =
  | { rule: 'duplicate'; first: number }
  | { rule: 'conflicting-duplicate'; first: number }
  | { rule: 'near-duplicate'; first: number; similarity: number };

export class StreamIndex {
  private readonly exact = new NumberMultiMap();
  private readonly prompts = new NumberMultiMap();
  private responses = new Float64Array(1024);
  private readonly bands = new NumberMultiMap();
  private signatures = new Uint16Array(1024 * SIGNATURE_BINS);
  private signatureLines = new Int32Array(1024);
  private signatureCount = 0;
  /** Set once near-duplicate search stopped for size. */
  nearDuplicateLimitReached = false;

  constructor(private readonly threshold: number, private readonly nearDuplicates: boolean) {}

  private firstOf(map: NumberMultiMap, key: number): number {
    let first = -1;
    map.forEach(key, (line) => {
      first = line;
      return false;
    });
    return first;
  }

  /** The earlier record this one repeats, conflicts with or nearly repeats (in that order of precedence), or null. */
  add(line: number, print: Fingerprint): CrossMatch | null {
    if (print.full !== null) {
      const first = this.firstOf(this.exact, print.full);
      if (first >= 0) return { rule: 'duplicate', first };
      this.exact.add(print.full, line);
    }
    let conflict: CrossMatch | null = null;
    if (print.prompt !== null && print.response !== null) {
      const first = this.firstOf(this.prompts, print.prompt);
      if (first < 0) {
        this.prompts.add(print.prompt, this.prompts.size);
        this.growResponses(this.prompts.size);
        this.responses[this.prompts.size - 1] = print.response;
        this.lines(this.prompts.size - 1, line);
      } else if (this.responses[first] !== print.response) conflict = { rule: 'conflicting-duplicate', first: this.promptLines[first] };
    }
    let near: CrossMatch | null = null;
    if (this.nearDuplicates && print.signature && print.bands) {
      if (this.signatureCount >= NEAR_DUPLICATE_LIMIT) this.nearDuplicateLimitReached = true;
      else {
        const found = this.nearest(print.signature, print.bands);
        if (found) near = { rule: 'near-duplicate', first: found.line, similarity: found.similarity };
        this.addSignature(line, print.signature, print.bands);
      }
    }
    // the same prompt with an almost identical answer is a near-duplicate, not two conflicting answers
    if (conflict && near && near.first === conflict.first) return near;
    return conflict ?? near;
  }

  private promptLines = new Int32Array(1024);

  private lines(slot: number, line: number): void {
    if (slot >= this.promptLines.length) {
      const grown = new Int32Array(this.promptLines.length * 2);
      grown.set(this.promptLines);
      this.promptLines = grown;
    }
    this.promptLines[slot] = line;
  }

  private growResponses(size: number): void {
    if (size <= this.responses.length) return;
    const grown = new Float64Array(this.responses.length * 2);
    grown.set(this.responses);
    this.responses = grown;
  }

  private nearest(signature: Uint16Array, bands: number[]): { line: number; similarity: number } | null {
    let best: { line: number; similarity: number } | null = null;
    const seen = new Set<number>();
    for (let band = 0; band < BANDS; band++) {
      this.bands.forEach(bands[band], (slot) => {
        if (seen.has(slot)) return;
        seen.add(slot);
        const other = this.signatures.subarray(slot * SIGNATURE_BINS, (slot + 1) * SIGNATURE_BINS);
        const score = similarity(signature, other);
        const line = this.signatureLines[slot];
        if (score >= this.threshold && (!best || line < best.line)) best = { line, similarity: score };
      }, MAX_BUCKET_CANDIDATES);
    }
    return best;
  }

  private addSignature(line: number, signature: Uint16Array, bands: number[]): void {
    const slot = this.signatureCount++;
    if (slot >= this.signatureLines.length) {
      const lines = new Int32Array(this.signatureLines.length * 2);
      lines.set(this.signatureLines);
      this.signatureLines = lines;
      const signatures = new Uint16Array(this.signatures.length * 2);
      signatures.set(this.signatures);
      this.signatures = signatures;
    }
    this.signatureLines[slot] = line;
    this.signatures.set(signature, slot * SIGNATURE_BINS);
    for (const key of bands) this.bands.add(key, slot);
  }
}
