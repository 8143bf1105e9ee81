// The lines of an open document that can have findings outside the index's groups: lines with findings of their own,
// records in another format than the file's, records an eval line overlaps, records a scoring run found hard.
// findings() visits these and the groups' lines instead of every line, so an edit on a 100k-line document costs what
// its findings cost, not what its size does (every line visited: 8–9 ms an edit, most of it cache misses).
import type { Entry } from './document-index';
import type { FormatId } from '../../../contracts/src/dataset-types';

function toggle(set: Set<Entry>, entry: Entry, member: boolean): void {
  if (member) set.add(entry);
  else set.delete(entry);
}

export class NotableLines {
  private readonly withFindings = new Set<Entry>();
  private readonly otherFormat = new Set<Entry>();
  private readonly evalOverlaps = new Set<Entry>();
  private highLoss = new Set<Entry>();

  /** After the line's analysis, eval match or the file's format changed. */
  update(entry: Entry, fileFormat: FormatId | null): void {
    const analysis = entry.analysis;
    toggle(this.withFindings, entry, analysis !== null && analysis.findings.length > 0);
    toggle(this.otherFormat, entry, analysis?.kind === 'record' && !!analysis.ownFormat && !!fileFormat && analysis.ownFormat !== fileFormat);
    toggle(this.evalOverlaps, entry, entry.evalLine >= 0);
  }

  /** The line left the document. */
  forget(entry: Entry): void {
    this.withFindings.delete(entry);
    this.otherFormat.delete(entry);
    this.evalOverlaps.delete(entry);
    this.highLoss.delete(entry);
  }

  setHighLoss(entries: Iterable<Entry>): void {
    this.highLoss = new Set(entries);
  }

  /** These lines and `more`, each once, in line order (entries' `index` must be current). */
  inLineOrder(more: Iterable<Entry>): Entry[] {
    const lines = new Set<Entry>(this.withFindings);
    for (const set of [this.otherFormat, this.evalOverlaps, this.highLoss, more]) for (const entry of set) lines.add(entry);
    return [...lines].sort((a, b) => a.index - b.index);
  }
}
