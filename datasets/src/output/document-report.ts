// The dataset report (counts, findings by rule, token-length histogram, top duplicate groups, loss distribution)
// and the hover of a record, both built from a document's entries.
import type { TokenCounter } from '../api';
import type { Entry } from '../cross-line/document-index';
import { lineRange } from './findings';
import { PreferenceBalance } from '../cross-line/preference-balance';
import { FORMAT_SPECS } from '../line/formats';
import { rejectedTokenLine, tokenLine } from './preference-hover';
import type { CanonicalExample, CanonicalTurn, DatasetReport, DatasetSettings, Finding, FormatId, HoverInfo, LengthHistogram, TokenCounts } from '../../../contracts/src/dataset-types';

export interface ReportInput {
  uri: string;
  entries: readonly Entry[];
  findings: readonly Finding[];
  format: FormatId | null;
  counter: TokenCounter;
  settings: DatasetSettings;
  duplicateGroups: ReadonlyArray<Set<Entry>>;
  losses: { values: number[]; median: number } | null;
  /** A record's turns: documents do not keep them (they would hold a second copy of the text) but parse the line again. */
  turnsOf(entry: Entry): CanonicalTurn[] | null;
}

/** Token counts of a record, counted once (the estimate comes with the analysis; a tokenizer needs the turns). */
function tokensOf(entry: Entry, counter: TokenCounter, line: number, turnsOf: (entry: Entry) => CanonicalTurn[] | null): TokenCounts | null {
  const analysis = entry.analysis;
  if (!analysis || analysis.kind !== 'record' || !analysis.format) return null;
  if (analysis.tokens) return analysis.tokens;
  const turns = turnsOf(entry);
  if (!turns || turns.length === 0) return null;
  return (analysis.tokens = counter.count({ line, format: analysis.format, turns }));
}

/** Bucket edges doubling from 32 tokens to twice the limit; the last bucket also holds everything longer. */
export function lengthEdges(maxSeqLen: number): number[] {
  const edges: number[] = [];
  for (let edge = 32; edges.length === 0 || edges[edges.length - 1] < maxSeqLen * 2; edge *= 2) edges.push(edge);
  return edges;
}

function histogram(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length).fill(0);
  for (const value of values) {
    let bucket = edges.findIndex((edge) => value <= edge);
    if (bucket < 0) bucket = edges.length - 1;
    counts[bucket]++;
  }
  return counts;
}

export function buildReport(input: ReportInput): DatasetReport {
  const { entries, settings, counter } = input;
  const formats: Partial<Record<FormatId, number>> = {};
  let records = 0;
  let blankLines = 0;
  const lengths: number[] = [];
  const balance = new PreferenceBalance();
  entries.forEach((entry, line) => {
    const analysis = entry.analysis;
    if (!analysis) return;
    // The empty line after a final newline is the file's end, not a blank line (as `finetune lint` counts).
    if (analysis.kind === 'blank' && line < entries.length - 1) blankLines++;
    if (analysis.kind !== 'record') return;
    records++;
    const format = analysis.ownFormat ?? analysis.format;
    if (format) formats[format] = (formats[format] ?? 0) + 1;
    balance.count(analysis.sideLengths, 1);
    const tokens = tokensOf(entry, counter, line, input.turnsOf);
    if (tokens) lengths.push(tokens.total);
  });
  const findingsByRule: DatasetReport['findingsByRule'] = {};
  let errors = 0;
  let warnings = 0;
  for (const finding of input.findings) {
    const bucket = (findingsByRule[finding.rule] ??= { severity: finding.severity, count: 0 });
    bucket.count++;
    if (finding.severity === 'error') errors++;
    else if (finding.severity === 'warning') warnings++;
  }
  const edges = lengthEdges(settings.maxSeqLen);
  const tokens: LengthHistogram = {
    bucketEdges: edges,
    counts: histogram(lengths, edges),
    maxSeqLen: settings.maxSeqLen,
    overLimit: lengths.filter((length) => length > settings.maxSeqLen).length,
    estimated: counter.estimated,
  };
  const topDuplicates = [...input.duplicateGroups]
    .sort((a, b) => b.size - a.size)
    .slice(0, 10)
    .map((group) => {
      const members = [...group].sort((a, b) => a.index - b.index);
      const turns = input.turnsOf(members[0]) ?? [];
      const text = (turns.find((turn) => turn.role === 'user') ?? turns[0])?.content ?? '';
      return { lines: members.map((entry) => entry.index), preview: text.replace(/\s+/g, ' ').trim().slice(0, 120) };
    });
  const report: DatasetReport = { uri: input.uri, records, blankLines, formats, detectedFormat: input.format, findingsByRule, errors, warnings, tokens, topDuplicates };
  const preference = balance.summary();
  if (preference.pairs > 0) report.preference = preference;
  if (input.losses && input.losses.values.length) {
    const values = input.losses.values;
    const low = Math.min(...values);
    const high = Math.max(...values);
    const step = (high - low) / 20 || 1;
    const lossEdges = Array.from({ length: 20 }, (_, i) => low + step * (i + 1));
    report.losses = { bucketEdges: lossEdges, counts: histogram(values, lossEdges), median: input.losses.median };
  }
  return report;
}

/** A run's loss statistics for the hover: the median of every scored record, and the high-loss threshold if any. */
export interface LossSummary {
  median: number;
  threshold: number | null;
}

export function hoverFor(example: CanonicalExample, entry: Entry, counter: TokenCounter, settings: DatasetSettings, line: number, losses: LossSummary | null = null): HoverInfo {
  // null when nothing can be counted: no turns, or turns whose fields have the wrong type
  const tokens = tokensOf(entry, counter, line, () => example.turns);
  const roles = example.turns.map((turn) => turn.role);
  const trained = example.turns.filter((turn) => turn.trained).length;
  const lines = [`**${example.format}** record · ${example.turns.length} turn${example.turns.length === 1 ? '' : 's'} (${roles.join(' → ')}) · ${trained} trained`];
  const rejected = FORMAT_SPECS[example.format].preference ? rejectedTokenLine(entry.text, example.format, counter, settings) : null;
  if (tokens) lines.push('', tokenLine(rejected ? 'Tokens (chosen)' : 'Tokens', tokens, settings.maxSeqLen));
  if (rejected) lines.push('', rejected);
  if (entry.loss !== undefined && losses) {
    const high = losses.threshold !== null && entry.loss > losses.threshold ? ' — **far above the median**' : '';
    lines.push('', `Loss (last run): ${entry.loss.toFixed(3)} · median ${losses.median.toFixed(3)}${high}`);
  }
  if (tokens?.estimated) lines.push('', '_Estimated: set a base model (`baseModel`) for exact counts with its tokenizer and chat template._');
  return { range: lineRange(line, 0, entry.text.replace(/\r$/, '').length), contents: lines.join('\n') };
}
