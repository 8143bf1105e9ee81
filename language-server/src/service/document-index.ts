// The incremental cross-record indexes of an open document: groups of records sharing a normalised conversation
// (duplicates) or prompt (conflicting duplicates), and near-duplicate neighbours found through MinHash LSH bands.
// Adding or removing one line touches only its own keys and buckets, so an edit never re-scans the file.
import { BANDS, MAX_BUCKET_CANDIDATES, similarity } from './fingerprint';
import type { LineAnalysis } from './analyze-line';
import { NumberMultiMap } from './multimap';

export interface Entry {
  readonly id: number;
  /** The raw line, without '\n' (a CRLF file's '\r' stays). */
  text: string;
  analysis: LineAnalysis | null;
  /** The line number as of the last `findings()`/renumbering. */
  index: number;
  neighbours: Set<Entry> | null;
  /** Eval line this record overlaps, and whether only the prompt matched. */
  evalLine: number;
  evalPromptOnly: boolean;
  loss: number | undefined;
}

export class DocumentIndex {
  readonly exactGroups = new Map<number, Set<Entry>>();
  readonly promptGroups = new Map<number, Set<Entry>>();
  /** Groups holding more than one entry: the only ones findings() needs to visit. */
  readonly repeatedExact = new Set<Set<Entry>>();
  readonly repeatedPrompt = new Set<Set<Entry>>();
  readonly withNeighbours = new Set<Entry>();
  private readonly bands = new NumberMultiMap();
  private readonly byId = new Map<number, Entry>();
  private dead = 0;

  constructor(private readonly threshold: number, private readonly nearDuplicates: boolean) {}

  add(entry: Entry): void {
    const print = entry.analysis?.fingerprint;
    if (!print) return;
    if (print.full !== null) addToGroup(this.exactGroups, this.repeatedExact, print.full, entry);
    if (print.prompt !== null && print.response !== null) addToGroup(this.promptGroups, this.repeatedPrompt, print.prompt, entry);
    if (!this.nearDuplicates || !print.signature || !print.bands) return;
    this.byId.set(entry.id, entry);
    const seen = new Set<number>();
    for (let band = 0; band < BANDS; band++) {
      this.bands.forEach(print.bands[band], (id) => {
        if (seen.has(id)) return;
        seen.add(id);
        const other = this.byId.get(id);
        const otherPrint = other?.analysis?.fingerprint;
        if (!other || other === entry || !otherPrint?.signature || otherPrint.full === print.full) return;
        if (similarity(print.signature!, otherPrint.signature) >= this.threshold) link(this.withNeighbours, entry, other);
      }, MAX_BUCKET_CANDIDATES);
    }
    for (const key of print.bands) this.bands.add(key, entry.id);
  }

  remove(entry: Entry): void {
    const print = entry.analysis?.fingerprint;
    if (!print) return;
    if (print.full !== null) removeFromGroup(this.exactGroups, this.repeatedExact, print.full, entry);
    if (print.prompt !== null && print.response !== null) removeFromGroup(this.promptGroups, this.repeatedPrompt, print.prompt, entry);
    if (!this.byId.delete(entry.id)) return;
    for (const other of entry.neighbours ?? []) {
      other.neighbours?.delete(entry);
      if (other.neighbours?.size === 0) {
        other.neighbours = null;
        this.withNeighbours.delete(other);
      }
    }
    entry.neighbours = null;
    this.withNeighbours.delete(entry);
    // band entries of removed lines stay until they outnumber the live ones
    if (++this.dead > 10000 && this.dead > this.byId.size) {
      this.bands.compact((id) => this.byId.has(id));
      this.dead = 0;
    }
  }
}

function addToGroup(groups: Map<number, Set<Entry>>, repeated: Set<Set<Entry>>, key: number, entry: Entry): void {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new Set()));
  group.add(entry);
  if (group.size === 2) repeated.add(group);
}

function removeFromGroup(groups: Map<number, Set<Entry>>, repeated: Set<Set<Entry>>, key: number, entry: Entry): void {
  const group = groups.get(key);
  if (!group) return;
  group.delete(entry);
  if (group.size < 2) repeated.delete(group);
  if (group.size === 0) groups.delete(key);
}

function link(withNeighbours: Set<Entry>, a: Entry, b: Entry): void {
  (a.neighbours ??= new Set()).add(b);
  (b.neighbours ??= new Set()).add(a);
  withNeighbours.add(a);
  withNeighbours.add(b);
}

/** The entry with the lowest line number (entries must be renumbered). */
export function earliest(group: Iterable<Entry>): Entry | null {
  let first: Entry | null = null;
  for (const entry of group) if (!first || entry.index < first.index) first = entry;
  return first;
}
