// An open dataset document: lines with cached analyses, incremental cross-record indexes, and findings assembled
// on demand. An edit re-analyses only the lines it touches (reusing analyses of identical lines), updates the
// indexes and the dataset counts for those lines; findings() then visits only the lines that can have findings
// (notable-lines.ts and the index's groups), without re-parsing anything.
import * as fileTooLarge from '../rules/file-too-large';
import * as highLoss from '../rules/high-loss';
import * as nearDuplicate from '../rules/near-duplicate';
import * as tooManyFindings from '../rules/too-many-findings';
import * as evalOverlap from '../rules/eval-overlap';
import * as tooLong from '../rules/too-long';
import type { MatchPlaces } from '../rules/rule';
import { analyzeLine, lineTurns, primaryRange, type LineAnalysis } from '../line/analyze-line';
import type { ContentChange, DatasetDocument, TokenCounter } from '../api';
import { DatasetCounts, datasetFindings, FormatVote } from './dataset-stats';
import { buildReport, hoverFor } from '../output/document-report';
import { DocumentIndex, earliest, type Entry } from './document-index';
import { similarity } from './fingerprint';
import { NotableLines, noSeverities, type SeverityCounts } from './notable-lines';
import { loadEvalIndexSync, type EvalIndex } from './eval-index';
import { crossFinding, lineRange, publish, ruleFinding, severityRank } from '../output/findings';
import * as mixedFormat from '../rules/mixed-format';
import { isEnabled, severityEvenIfOff, severityOf } from '../rules/severity';
import { rulePlan, type RulePlan } from '../rules/rule-plan';
import type { LocalFinding } from '../line/record';
import { DEFAULT_MAX_DOCUMENT_SIZE_MB } from '../settings';
import { createTokenCounter } from '../tokens/token-counter';
import type { CanonicalExample, CanonicalTurn, DatasetReport, DatasetSettings, Finding, FormatId, HoverInfo, Position, Range, RenderedExample, Severity } from '../../../contracts/src/dataset-types';

export interface DocumentContext {
  tokenCounter?: TokenCounter;
  /** The eval file's index; when absent and settings.evalFile is set, the document reads that file itself. */
  evalIndex?: EvalIndex;
}

/** How many analyses of lines that left the document are kept, so undo and retyping reuse them. */
const ANALYSIS_CACHE_SIZE = 4096;
/** Lines analysed or indexed between two looks at the clock when a document opens cooperatively. */
const LINES_PER_STEP = 500;
/** How long a cooperative open works before it lets other tasks (requests for other documents) run. */
const SLICE_MS = 20;

export class Dataset implements DatasetDocument {
  private entries: Entry[] = [];
  /** False once lines were inserted or removed: entries' `index` is then stale until renumber(). */
  private numbered = true;
  /** The dataset counts of every line's analysis, kept in step by setAnalysis and replace. */
  private counts = new DatasetCounts();
  /** The lines findings() visits besides the index's groups. */
  private notable = new NotableLines();
  private nextId = 0;
  private index: DocumentIndex;
  private format: FormatId | null = null;
  private readonly counter: TokenCounter;
  private readonly evalIndex: EvalIndex | null;
  private evalProblem: string | null = null;
  private counterProblem: string | null = null;
  private readonly cache = new Map<string, LineAnalysis>();
  private chars = 0;
  private tooLarge = false;
  private lossLimits: highLoss.LossThreshold | null = null;
  /** The median loss of the scored records (even when too few for high-loss to judge), for hovers. */
  private lossMedian: number | null = null;
  /** The rules this document's settings turn on (its settings never change: a change makes a new document). */
  private readonly plan: RulePlan;

  /** `deferred`: leave the document empty; `open` fills it in without holding the event loop for long. */
  constructor(readonly uri: string, text: string, readonly settings: DatasetSettings, context: DocumentContext = {}, deferred = false) {
    if (context.tokenCounter) this.counter = context.tokenCounter;
    else {
      const made = createTokenCounter(settings.baseModel);
      this.counter = made.counter;
      this.counterProblem = made.problem;
    }
    this.plan = rulePlan(settings);
    this.evalIndex = context.evalIndex ?? this.readEvalFile();
    this.index = this.newIndex();
    if (!deferred) this.reset(text);
  }

  /**
   * Fills a deferred document with `text` in slices of about SLICE_MS, yielding to the event loop between them: a
   * large file (100k lines take about two seconds) then keeps the language server answering meanwhile.
   */
  async open(text: string): Promise<void> {
    let slice = performance.now();
    for (const step of this.resetSteps(text)) {
      void step;
      if (performance.now() - slice < SLICE_MS) continue;
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }

  private newIndex(expectedLines = 0): DocumentIndex {
    return new DocumentIndex(this.settings.nearDuplicateThreshold, isEnabled(this.settings, nearDuplicate.meta), expectedLines);
  }

  private readEvalFile(): EvalIndex | null {
    if (!this.settings.evalFile) return null;
    try {
      return loadEvalIndexSync(this.settings.evalFile);
    } catch (error) {
      this.evalProblem = evalOverlap.unreadable(this.settings.evalFile, error as Error);
      return null;
    }
  }

  private get limitChars(): number {
    return (this.settings.maxDocumentSizeMB ?? DEFAULT_MAX_DOCUMENT_SIZE_MB) * 1024 * 1024;
  }

  private reset(text: string): void {
    for (const step of this.resetSteps(text)) void step;
  }

  /** The work of reset, pausing (yielding) every LINES_PER_STEP lines; nothing reads the document in between. */
  private *resetSteps(text: string): Generator<void> {
    this.chars = text.length;
    this.tooLarge = this.chars > this.limitChars;
    this.entries = text.split('\n').map((line) => this.newEntry(line));
    this.numbered = false;
    this.counts = new DatasetCounts();
    this.notable = new NotableLines();
    this.index = this.newIndex(this.tooLarge ? 0 : this.entries.length);
    if (this.tooLarge) return;
    this.format = null;
    for (let i = 0; i < this.entries.length; i++) {
      this.setAnalysis(this.entries[i], this.analyze(this.entries[i].text));
      if (i % LINES_PER_STEP === LINES_PER_STEP - 1) yield;
    }
    this.refreshFormat(true);
    for (let i = 0; i < this.entries.length; i++) {
      this.addToIndex(this.entries[i]);
      if (i % LINES_PER_STEP === LINES_PER_STEP - 1) yield;
    }
  }

  private newEntry(text: string): Entry {
    return { id: this.nextId++, text, analysis: null, index: 0, neighbours: null, evalLine: -1, evalPromptOnly: false, loss: undefined };
  }

  /** Gives a line its analysis, keeping the dataset counts in step. */
  private setAnalysis(entry: Entry, analysis: LineAnalysis): void {
    if (entry.analysis) this.counts.remove(entry.analysis);
    entry.analysis = analysis;
    this.counts.add(analysis);
  }

  private analyze(text: string): LineAnalysis {
    const cached = this.cache.get(text);
    if (cached && (!cached.dependsOnFileFormat || cached.format === this.format)) return cached;
    const analysis = analyzeLine(text, this.settings, this.counter, this.format, this.plan);
    // the parsed turns would keep a second copy of the document's text (70 of 155 MB for 100k lines): turnsOf parses again
    analysis.turns = null;
    return analysis;
  }

  /** A record's turns, from its line parsed again (for a hover, an example, the report). */
  private turnsOf(entry: Entry): CanonicalTurn[] | null {
    const analysis = entry.analysis;
    if (!analysis || analysis.kind !== 'record' || !analysis.format) return null;
    return lineTurns(entry.text, this.settings, this.counter, this.format);
  }

  private remember(entry: Entry): void {
    if (!entry.analysis || entry.text.length > 100_000) return;
    this.cache.set(entry.text, entry.analysis);
    if (this.cache.size > ANALYSIS_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }

  private addToIndex(entry: Entry): void {
    this.index.add(entry);
    const print = entry.analysis?.fingerprint;
    entry.evalLine = -1;
    if (print && this.evalIndex) {
      const full = print.full !== null ? this.evalIndex.full.get(print.full) : undefined;
      const prompt = print.prompt !== null ? this.evalIndex.prompt.get(print.prompt) : undefined;
      entry.evalLine = full ?? prompt ?? -1;
      entry.evalPromptOnly = full === undefined;
    }
    this.notable.update(entry, this.format);
  }

  /** Re-decides the file's format; records read through it are re-analysed when it changes. */
  private refreshFormat(initial = false): void {
    const vote = new FormatVote();
    for (const entry of this.entries) {
      if (vote.decided) break;
      if (entry.analysis) vote.add(entry.analysis);
    }
    const format = this.settings.format === 'auto' ? vote.winner() : this.settings.format;
    if (format === this.format && !initial) return;
    this.format = format;
    for (const entry of this.entries) {
      if (!entry.analysis?.dependsOnFileFormat || entry.analysis.format === format) continue;
      if (!initial) this.index.remove(entry);
      this.setAnalysis(entry, analyzeLine(entry.text, this.settings, this.counter, format, this.plan));
      if (!initial) this.addToIndex(entry);
    }
    // which records are in another format than the file's (the initial pass indexes every line afterwards)
    if (!initial) for (const entry of this.entries) this.notable.update(entry, format);
  }

  applyChanges(changes: ContentChange[]): void {
    for (const change of changes) {
      if (!change.range) this.reset(change.text);
      else this.replace(change.range, change.text);
    }
    const tooLarge = this.chars > this.limitChars;
    if (tooLarge !== this.tooLarge) {
      this.reset(this.entries.map((entry) => entry.text).join('\n'));
      return;
    }
    if (!this.tooLarge) this.refreshFormat();
  }

  private replace(range: Range, text: string): void {
    const last = this.entries.length - 1;
    const startLine = Math.min(Math.max(range.start.line, 0), last);
    const endLine = Math.min(Math.max(range.end.line, startLine), last);
    const first = this.entries[startLine].text;
    const final = this.entries[endLine].text;
    // positions never point inside a CRLF line break: clamp to the line's content
    const clamp = (line: string, character: number) => Math.min(Math.max(character, 0), line.endsWith('\r') ? line.length - 1 : line.length);
    const startChar = range.end.line > last ? clamp(first, range.start.character) : clamp(first, range.start.character);
    const endChar = range.end.line > last ? final.length : clamp(final, range.end.character);
    const merged = first.slice(0, startChar) + text + final.slice(endChar);
    let removed = this.entries.slice(startLine, endLine + 1);
    this.chars += merged.length - removed.reduce((sum, entry) => sum + entry.text.length + 1, -1);
    const newLines = merged.split('\n');
    // lines the edit leaves as they were (inserting a line break at a line's end, say) keep their entries, and so
    // their losses and index entries
    let keepStart = 0;
    while (keepStart < removed.length && keepStart < newLines.length && removed[keepStart].text === newLines[keepStart]) keepStart++;
    let keepEnd = 0;
    while (
      keepEnd < removed.length - keepStart &&
      keepEnd < newLines.length - keepStart &&
      removed[removed.length - 1 - keepEnd].text === newLines[newLines.length - 1 - keepEnd]
    ) keepEnd++;
    removed = removed.slice(keepStart, removed.length - keepEnd);
    const added = newLines.slice(keepStart, newLines.length - keepEnd).map((line) => this.newEntry(line));
    this.entries.splice(startLine + keepStart, removed.length, ...added);
    // as many lines as before: the others keep their numbers, so only the new ones need theirs
    if (added.length === removed.length) added.forEach((entry, k) => (entry.index = startLine + keepStart + k));
    else this.numbered = false;
    if (this.tooLarge) return;
    for (const entry of removed) {
      this.index.remove(entry);
      if (entry.analysis) this.counts.remove(entry.analysis);
      this.notable.forget(entry);
      this.remember(entry);
    }
    for (const entry of added) {
      this.setAnalysis(entry, this.analyze(entry.text));
      this.addToIndex(entry);
    }
  }

  private renumber(): void {
    if (this.numbered) return;
    for (let i = 0; i < this.entries.length; i++) this.entries[i].index = i;
    this.numbered = true;
  }

  /** Every finding, uncapped, in line order (dataset-level ones on line 1 first). */
  allFindings(): Finding[] {
    if (this.tooLarge) return [this.tooLargeFinding()];
    return [...this.findingsInOrder(this.crossFindings())];
  }

  private tooLargeFinding(): Finding {
    const severity = severityEvenIfOff(this.settings, fileTooLarge.meta);
    const limit = this.settings.maxDocumentSizeMB ?? DEFAULT_MAX_DOCUMENT_SIZE_MB;
    return { rule: fileTooLarge.meta.id, severity, range: lineRange(0, 0, 1), message: fileTooLarge.message(this.chars / 1048576, limit) };
  }

  /** The findings about the file as a whole, shown on line 1. */
  private fileFindings(): Finding[] {
    const out: Finding[] = [];
    for (const found of datasetFindings(this.counts, this.settings, this.counter.estimated)) out.push({ ...found, range: lineRange(0, 0, 1) });
    const evalProblem = this.evalProblem;
    const unreadEval = evalProblem ? ruleFinding(this.settings, evalOverlap.meta, () => ({ range: lineRange(0, 0, 1), message: evalProblem })) : null;
    if (unreadEval) out.push(unreadEval);
    if (this.counterProblem) {
      const severity = severityOf(this.settings, tooLong.meta);
      if (severity) out.push({ rule: tooLong.meta.id, severity: 'info', range: lineRange(0, 0, 1), message: this.counterProblem });
    }
    return out;
  }

  /** The findings that compare lines with others or with the file, by line: computed in full before any is shown. */
  private crossFindings(): CrossFindings {
    this.renumber();
    const compared = new Map<Entry, Finding[]>();
    for (const entry of this.notable.comparedLines()) {
      const found: Finding[] = [];
      if (entry.analysis?.kind === 'record') this.pushLineCrossFindings(entry, entry.analysis, found);
      if (found.length) compared.set(entry, found);
    }
    return { file: this.fileFindings(), grouped: this.groupFindings(), compared };
  }

  /**
   * One pass in line order: each line's own findings, then those of the index's groups, then the other cross-line
   * ones. With `room`, only as many of each severity as it has (it is used up), the pass ending once it is: a line's
   * own findings are not even made when their severity has none left.
   */
  private *findingsInOrder(cross: CrossFindings, room: SeverityCounts | null = null): Generator<Finding> {
    let left = room ? Object.values(room).reduce((sum, count) => sum + count, 0) : Infinity;
    const take = (severity: Severity): boolean => {
      if (!room) return true;
      if (room[severity] === 0) return false;
      room[severity]--;
      left--;
      return true;
    };
    for (const finding of cross.file) if (take(finding.severity)) yield finding;
    const grouped = cross.grouped;
    let next = 0;
    for (const entry of this.notable.inLineOrder(grouped.map((item) => item.entry), this.entries, room)) {
      if (left === 0) return;
      const analysis = entry.analysis;
      if (!analysis) continue;
      for (const local of analysis.findings) if (take(local.severity)) yield publish(local, entry.index);
      for (; next < grouped.length && grouped[next].entry.index <= entry.index; next++) {
        if (grouped[next].entry === entry && take(grouped[next].finding.severity)) yield grouped[next].finding;
      }
      for (const finding of cross.compared.get(entry) ?? []) if (take(finding.severity)) yield finding;
    }
  }

  /** How many findings of each severity findingsInOrder yields, without visiting the lines. */
  private severityCounts(cross: CrossFindings): SeverityCounts {
    const counts = { ...this.notable.ownFindingCounts };
    for (const finding of cross.file) counts[finding.severity]++;
    for (const { finding } of cross.grouped) counts[finding.severity]++;
    for (const found of cross.compared.values()) for (const finding of found) counts[finding.severity]++;
    return counts;
  }

  private rangeOf(entry: Entry): Range {
    const offsets = entry.analysis ? primaryRange(entry.text, entry.analysis) : { start: 0, end: 0 };
    return lineRange(entry.index, offsets.start, offsets.end);
  }

  /**
   * Duplicates, preference contradictions, conflicting duplicates and near-duplicates from the index's groups, in
   * line order; a record gets the first of these that applies, as in a stream (StreamIndex.addBlock).
   */
  private groupFindings(): Array<{ entry: Entry; finding: Finding }> {
    const found: Array<{ entry: Entry; finding: Finding }> = [];
    const add = (entry: Entry, finding: Finding | null) => {
      if (finding) found.push({ entry, finding });
    };
    const reported = new Set<Entry>();
    for (const group of this.index.repeatedExact) {
      const first = earliest(group)!;
      for (const entry of group) {
        if (entry === first) continue;
        reported.add(entry);
        add(entry, crossFinding(this.settings, { rule: 'duplicate', first: first.index }, this.places(entry, first)));
      }
    }
    // a pair preferring the opposite of an earlier pair with its prompt, pointing to the first such pair
    for (const [key, opposite] of this.index.contradicted) {
      const first = earliest(this.index.pairs(opposite));
      if (!first) continue;
      for (const entry of this.index.pairs(key)) {
        if (entry.index <= first.index || reported.has(entry)) continue;
        reported.add(entry);
        add(entry, crossFinding(this.settings, { rule: 'preference-contradiction', first: first.index }, this.places(entry, first)));
      }
    }
    for (const group of this.index.repeatedPrompt) {
      const first = earliest(group)!;
      for (const entry of group) {
        if (entry === first || reported.has(entry) || entry.analysis?.fingerprint?.response === first.analysis?.fingerprint?.response) continue;
        // the same prompt with an almost identical answer is a near-duplicate, reported below
        if (entry.neighbours?.has(first)) continue;
        reported.add(entry);
        add(entry, crossFinding(this.settings, { rule: 'conflicting-duplicate', first: first.index }, this.places(entry, first)));
      }
    }
    for (const entry of this.index.withNeighbours) {
      if (reported.has(entry) || !entry.neighbours) continue;
      const first = earliest(entry.neighbours);
      if (!first || first.index > entry.index) continue;
      const score = similarityOf(entry, first);
      add(entry, crossFinding(this.settings, { rule: 'near-duplicate', first: first.index, similarity: score }, this.places(entry, first)));
    }
    // stable: a line's findings keep the order above
    return found.sort((a, b) => a.entry.index - b.entry.index);
  }

  /** A record's findings that compare it with the file (its format), the eval file or a scoring run. */
  private pushLineCrossFindings(entry: Entry, analysis: LineAnalysis, out: Finding[]): void {
    const push = (finding: Finding | null) => {
      if (finding) out.push(finding);
    };
    const { ownFormat } = analysis;
    const format = this.format;
    if (ownFormat && format && ownFormat !== format) push(ruleFinding(this.settings, mixedFormat.meta, () => mixedFormat.describe(this.rangeOf(entry), ownFormat, format, this.settings.format !== 'auto')));
    const evalIndex = this.evalIndex;
    if (entry.evalLine >= 0 && evalIndex) push(ruleFinding(this.settings, evalOverlap.meta, () => evalOverlap.describe(this.rangeOf(entry), evalIndex.uri, entry.evalLine, entry.evalPromptOnly)));
    if (entry.loss !== undefined && this.lossLimits && entry.loss > this.lossLimits.threshold) {
      const [loss, limits] = [entry.loss, this.lossLimits];
      push(ruleFinding(this.settings, highLoss.meta, () => ({ range: this.rangeOf(entry), message: highLoss.message(loss, limits) })));
    }
  }

  /** Where a cross-record finding on `entry`, matching the earlier `first`, points. */
  private places(entry: Entry, first: Entry): MatchPlaces {
    return { range: this.rangeOf(entry), firstRange: this.rangeOf(first), deleteLine: this.deleteRange(entry) };
  }

  /** This line with its line break (the previous one's for the last line). */
  private deleteRange(entry: Entry): Range {
    if (entry.index + 1 < this.entries.length) return { start: { line: entry.index, character: 0 }, end: { line: entry.index + 1, character: 0 } };
    if (entry.index === 0) return lineRange(0, 0, entry.text.length);
    const previous = this.entries[entry.index - 1].text;
    return { start: { line: entry.index - 1, character: previous.length }, end: { line: entry.index, character: entry.text.length } };
  }

  findings(): Finding[] {
    if (this.tooLarge) return [this.tooLargeFinding()];
    const cross = this.crossFindings();
    const counts = this.severityCounts(cross);
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const cap = this.settings.maxFindingsPerFile;
    if (total <= cap) return [...this.findingsInOrder(cross)];
    // errors first, then by line, so the worst problems stay visible: the first of each severity the cap has room
    // for, in line order, found by a pass that stops once they are (a finding on every line: after the first lines)
    const out = [...this.findingsInOrder(cross, shownPerSeverity(counts, cap))];
    const summary = ruleFinding(this.settings, tooManyFindings.meta, () => ({ range: lineRange(0, 0, 1), message: tooManyFindings.message(cap, total) }));
    if (summary) out.unshift(summary);
    return out;
  }

  hover(position: Position): HoverInfo | null {
    const entry = this.entries[position.line];
    const example = entry ? this.exampleOf(entry, position.line) : null;
    if (!entry || !example) return null;
    const losses = this.lossMedian === null ? null : { median: this.lossMedian, threshold: this.lossLimits?.threshold ?? null };
    return hoverFor(example, entry, this.counter, this.settings, position.line, losses);
  }

  report(): DatasetReport {
    const findings = this.allFindings();
    return buildReport({
      uri: this.uri,
      entries: this.entries,
      findings,
      format: this.format,
      counter: this.counter,
      settings: this.settings,
      duplicateGroups: [...this.index.repeatedExact],
      losses: this.lossLimits ? { values: this.entries.flatMap((entry) => (entry.loss === undefined ? [] : [entry.loss])), median: this.lossLimits.median } : null,
      turnsOf: (entry) => this.turnsOf(entry),
    });
  }

  private exampleOf(entry: Entry, line: number): CanonicalExample | null {
    const format = entry.analysis?.format;
    const turns = this.turnsOf(entry);
    // a preference record: its rejected side too, as the trainer's loader reads it (lint-stream's onExample)
    const preference = entry.analysis?.preference;
    return turns && format ? { line, format, turns, ...(preference ? { preference } : {}) } : null;
  }

  example(line: number): CanonicalExample | null {
    const entry = this.entries[line];
    return entry ? this.exampleOf(entry, line) : null;
  }

  render(line: number): RenderedExample | null {
    const example = this.example(line);
    return example ? this.counter.render(example) : null;
  }

  setLosses(losses: ReadonlyMap<number, number> | null): void {
    for (const entry of this.entries) entry.loss = undefined;
    this.lossLimits = null;
    this.lossMedian = null;
    this.notable.setHighLoss([]);
    if (!losses) return;
    for (const [line, loss] of losses) {
      const entry = this.entries[line];
      if (entry && Number.isFinite(loss)) entry.loss = loss;
    }
    const scored = this.entries.flatMap((entry) => (entry.loss === undefined ? [] : [entry.loss]));
    const limits = highLoss.threshold(scored);
    this.lossLimits = limits;
    this.lossMedian = highLoss.medianOf(scored);
    this.notable.setHighLoss(limits ? this.entries.filter((entry) => entry.loss !== undefined && entry.loss > limits.threshold) : []);
  }

  /** Used by tests and the bench. */
  get lineCount(): number {
    return this.entries.length;
  }
}

interface CrossFindings {
  file: Finding[];
  grouped: Array<{ entry: Entry; finding: Finding }>;
  compared: Map<Entry, Finding[]>;
}

/** How many findings of each severity the cap leaves room for, the most severe first. */
function shownPerSeverity(counts: SeverityCounts, cap: number): SeverityCounts {
  const shown = noSeverities();
  let room = cap;
  for (const severity of (Object.keys(shown) as Severity[]).sort((a, b) => severityRank(a) - severityRank(b))) {
    shown[severity] = Math.min(counts[severity], room);
    room -= shown[severity];
  }
  return shown;
}

function similarityOf(a: Entry, b: Entry): number {
  const x = a.analysis?.fingerprint;
  const y = b.analysis?.fingerprint;
  return x?.slab && y?.slab ? similarity(x, y) : 0;
}

export type { LocalFinding };
