// The lines of an open document that can have findings outside the index's groups: lines with findings of their own,
// records in another format than the file's, records an eval line overlaps, records a scoring run found hard.
// findings() visits these and the groups' lines instead of every line, so an edit on a 100k-line document costs what
// its findings cost, not what its size does (every line visited: 8–9 ms an edit, most of it cache misses). The lines'
// own findings are counted by severity as lines come and go, so the shown ones can be picked without visiting all.
import type { Entry } from './document-index';
import type { LocalFinding } from '../line/record';
import type { FormatId, Severity } from '../../../contracts/src/dataset-types';

export type SeverityCounts = Record<Severity, number>;

export function noSeverities(): SeverityCounts {
  return { error: 0, warning: 0, info: 0, hint: 0 };
}

function toggle(set: Set<Entry>, entry: Entry, member: boolean): void {
  if (member) set.add(entry);
  else set.delete(entry);
}

/** Fewer candidates than this share of the document's lines are sorted; more, and the lines are walked in order. */
const SPARSE = 1 / 16;

export class NotableLines {
  /** Each line with findings of its own, with those findings as counted in `ownCounts` and `ownLines`. */
  private readonly withFindings = new Map<Entry, readonly LocalFinding[]>();
  private readonly ownCounts = noSeverities();
  /** The lines with a finding of their own of each severity. */
  private readonly ownLines: Record<Severity, Set<Entry>> = { error: new Set(), warning: new Set(), info: new Set(), hint: new Set() };
  private readonly otherFormat = new Set<Entry>();
  private readonly evalOverlaps = new Set<Entry>();
  private highLoss = new Set<Entry>();

  /** After the line's analysis, eval match or the file's format changed. */
  update(entry: Entry, fileFormat: FormatId | null): void {
    const analysis = entry.analysis;
    this.setOwnFindings(entry, analysis?.findings ?? []);
    toggle(this.otherFormat, entry, analysis?.kind === 'record' && !!analysis.ownFormat && !!fileFormat && analysis.ownFormat !== fileFormat);
    toggle(this.evalOverlaps, entry, entry.evalLine >= 0);
  }

  private setOwnFindings(entry: Entry, findings: readonly LocalFinding[]): void {
    const counted = this.withFindings.get(entry);
    if (counted) {
      for (const finding of counted) {
        this.ownCounts[finding.severity]--;
        this.ownLines[finding.severity].delete(entry);
      }
    }
    if (findings.length === 0) {
      this.withFindings.delete(entry);
      return;
    }
    this.withFindings.set(entry, findings);
    for (const finding of findings) {
      this.ownCounts[finding.severity]++;
      this.ownLines[finding.severity].add(entry);
    }
  }

  /** The line left the document. */
  forget(entry: Entry): void {
    this.setOwnFindings(entry, []);
    this.otherFormat.delete(entry);
    this.evalOverlaps.delete(entry);
    this.highLoss.delete(entry);
  }

  setHighLoss(entries: Iterable<Entry>): void {
    this.highLoss = new Set(entries);
  }

  /** How many findings of their own the lines have, by severity. */
  get ownFindingCounts(): Readonly<SeverityCounts> {
    return this.ownCounts;
  }

  /** Records that may have a finding comparing them with the file's format, the eval file or a scoring run. */
  comparedLines(): Set<Entry> {
    return new Set([...this.otherFormat, ...this.evalOverlaps, ...this.highLoss]);
  }

  /**
   * These lines and `more`, each once, in line order (entries' `index` must be current). With `room` (which the
   * caller uses up as it goes), lines whose own findings are all of severities without room left are skipped.
   * Few lines are sorted; many are found walking the document, until what is left is few again (a finding on every
   * line and the cap reached: only the lines with the rarer, more severe findings are left).
   */
  *inLineOrder(more: Iterable<Entry>, entries: readonly Entry[], room: Readonly<SeverityCounts> | null = null): Generator<Entry> {
    const always: ReadonlySet<Entry>[] = [this.otherFormat, this.evalOverlaps, this.highLoss, new Set(more)];
    const wanted = (): ReadonlySet<Entry>[] => [...always, ...(Object.keys(this.ownLines) as Severity[]).filter((severity) => !room || room[severity] > 0).map((severity) => this.ownLines[severity])];
    let sets = wanted();
    let from = 0;
    for (;;) {
      if (sets.reduce((sum, set) => sum + set.size, 0) < entries.length * SPARSE) {
        const lines = new Set<Entry>();
        for (const set of sets) for (const entry of set) if (entry.index >= from) lines.add(entry);
        yield* [...lines].sort((a, b) => a.index - b.index);
        return;
      }
      for (; from < entries.length; from++) {
        if (!sets.some((set) => set.has(entries[from]))) continue;
        yield entries[from];
        const now = wanted();
        if (now.length < sets.length) break;
      }
      if (from >= entries.length) return;
      from++;
      sets = wanted();
    }
  }
}
