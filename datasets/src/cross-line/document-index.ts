// The incremental cross-record indexes of an open document: groups of records sharing a normalised conversation
// (duplicates), prompt (conflicting duplicates) or preference pair (preference contradictions, where a pair's group
// and its opposite's are both present), and near-duplicate neighbours found through MinHash LSH bands.
// Adding or removing one line touches only its own keys and buckets, so an edit never re-scans the file.
import { BANDS, bandKey, MAX_BUCKET_CANDIDATES, similarity } from './fingerprint';
import type { LineAnalysis } from '../line/analyze-line';
import { Int32MultiMap } from './multimap';

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

/** A key's entries: most keys have one, held as is; a Set only once a second arrives (100k Sets cost real time). */
type Group = Entry | Set<Entry>;

export class DocumentIndex {
  private readonly exactGroups = new Map<number, Group>();
  private readonly promptGroups = new Map<number, Group>();
  /** Groups holding more than one entry: the only ones findings() needs to visit. */
  readonly repeatedExact = new Set<Set<Entry>>();
  readonly repeatedPrompt = new Set<Set<Entry>>();
  /** Preference pairs by Fingerprint.preference (none outside preference data). */
  private readonly pairGroups = new Map<number, Group>();
  /**
   * Each pair key whose opposite pair is in the document too, with that opposite key (both ways round): the only
   * pairs findings() needs to visit for contradictions.
   */
  readonly contradicted = new Map<number, number>();
  readonly withNeighbours = new Set<Entry>();
  private readonly bands: Int32MultiMap;
  private readonly byId = new Map<number, Entry>();
  private dead = 0;

  /** `expectedLines` sizes the near-duplicate table once (a document knows its line count when it opens). */
  constructor(private readonly threshold: number, private readonly nearDuplicates: boolean, expectedLines = 0) {
    this.bands = new Int32MultiMap(nearDuplicates ? expectedLines * BANDS : 0);
  }

  add(entry: Entry): void {
    const print = entry.analysis?.fingerprint;
    if (!print) return;
    if (print.full !== null) addToGroup(this.exactGroups, this.repeatedExact, print.full, entry);
    if (print.prompt !== null && print.response !== null) addToGroup(this.promptGroups, this.repeatedPrompt, print.prompt, entry);
    if (print.preference !== null && print.opposite !== null) {
      addToGroup(this.pairGroups, null, print.preference, entry);
      if (this.pairGroups.has(print.opposite)) {
        this.contradicted.set(print.preference, print.opposite);
        this.contradicted.set(print.opposite, print.preference);
      }
    }
    if (!this.nearDuplicates || !print.slab) return;
    this.byId.set(entry.id, entry);
    // candidates repeat across bands; they are few, so a list beats a Set
    let seen: number[] | null = null;
    for (let band = 0; band < BANDS; band++) {
      const key = bandKey(print, band);
      let visited = 0;
      // one probe adds the entry under the key and gives the entries that were there before it
      for (let at = this.bands.addAndGetPrevious(key, entry.id); at >= 0 && visited < MAX_BUCKET_CANDIDATES; at = this.bands.nextEntry(key, at), visited++) {
        const id = this.bands.valueAt(at);
        if (seen?.includes(id)) continue;
        (seen ??= []).push(id);
        const other = this.byId.get(id);
        const otherPrint = other?.analysis?.fingerprint;
        if (!other || other === entry || !otherPrint?.slab || otherPrint.full === print.full) continue;
        if (similarity(print, otherPrint) >= this.threshold) link(this.withNeighbours, entry, other);
      }
    }
  }

  remove(entry: Entry): void {
    const print = entry.analysis?.fingerprint;
    if (!print) return;
    if (print.full !== null) removeFromGroup(this.exactGroups, this.repeatedExact, print.full, entry);
    if (print.prompt !== null && print.response !== null) removeFromGroup(this.promptGroups, this.repeatedPrompt, print.prompt, entry);
    if (print.preference !== null && print.opposite !== null) {
      removeFromGroup(this.pairGroups, null, print.preference, entry);
      if (!this.pairGroups.has(print.preference)) {
        this.contradicted.delete(print.preference);
        this.contradicted.delete(print.opposite);
      }
    }
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

  /** The records holding the preference pair `key`. */
  pairs(key: number): Iterable<Entry> {
    return members(this.pairGroups.get(key));
  }
}

function members(group: Group | undefined): Iterable<Entry> {
  return group === undefined ? [] : group instanceof Set ? group : [group];
}

/** `repeated`, when given, keeps the groups of two or more entries. */
function addToGroup(groups: Map<number, Group>, repeated: Set<Set<Entry>> | null, key: number, entry: Entry): void {
  const group = groups.get(key);
  if (!group) groups.set(key, entry);
  else if (group instanceof Set) group.add(entry);
  else if (group !== entry) {
    const pair = new Set([group, entry]);
    groups.set(key, pair);
    repeated?.add(pair);
  }
}

function removeFromGroup(groups: Map<number, Group>, repeated: Set<Set<Entry>> | null, key: number, entry: Entry): void {
  const group = groups.get(key);
  if (!group) return;
  if (!(group instanceof Set)) {
    if (group === entry) groups.delete(key);
    return;
  }
  group.delete(entry);
  if (group.size >= 2) return;
  repeated?.delete(group);
  const [last] = group;
  if (last) groups.set(key, last);
  else groups.delete(key);
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
