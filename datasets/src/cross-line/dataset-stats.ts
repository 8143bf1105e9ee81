// File-level bookkeeping shared by documents and streamed files: the file's format (decided by the first records)
// and the counts behind the dataset-level rules (too few examples, format mix, length distribution).
import { DATASET_RULES } from '../rules/index';
import { severityOf } from '../rules/severity';
import type { LineAnalysis } from '../line/analyze-line';
import { PreferenceBalance } from './preference-balance';
import type { DatasetSettings, FormatId, Severity } from '../../../contracts/src/dataset-types';

/** The file's format is the one most of its first records use (their own keys deciding); ties go to the earliest. */
export const FORMAT_SAMPLE = 1000;

/**
 * Lines read while the vote is open wait to be analysed, so the vote also ends after this many lines or characters
 * without enough records: a file of long lines that are not records (a log, a CSV) must not be held whole.
 */
export const VOTE_MAX_LINES = 5000;
export const VOTE_MAX_CHARS = 16 * 1024 * 1024;

export class FormatVote {
  private readonly counts = new Map<FormatId, number>();
  private records = 0;
  private lines = 0;
  private chars = 0;

  /** Counts a line read while the vote is open (`chars`: its length, 0 for a line too long to read). */
  read(chars: number): void {
    this.lines++;
    this.chars += chars;
  }

  /** Enough records decided it, or enough lines or text went by without them. */
  get closed(): boolean {
    return this.decided || this.lines >= VOTE_MAX_LINES || this.chars >= VOTE_MAX_CHARS;
  }

  add(analysis: Pick<LineAnalysis, 'kind' | 'ownFormat'>): void {
    if (analysis.kind !== 'record' || this.records >= FORMAT_SAMPLE) return;
    this.records++;
    if (analysis.ownFormat) this.counts.set(analysis.ownFormat, (this.counts.get(analysis.ownFormat) ?? 0) + 1);
  }

  get decided(): boolean {
    return this.records >= FORMAT_SAMPLE;
  }

  winner(): FormatId | null {
    let best: FormatId | null = null;
    let bestCount = 0;
    for (const [format, count] of this.counts) {
      if (count > bestCount) {
        best = format;
        bestCount = count;
      }
    }
    return best;
  }
}

export function fileFormat(settings: DatasetSettings, vote: FormatVote): FormatId | null {
  return settings.format === 'auto' ? vote.winner() : settings.format;
}

type CountedLine = Pick<LineAnalysis, 'kind' | 'overLimit' | 'ownFormat' | 'format' | 'sideLengths'>;

export class DatasetCounts {
  records = 0;
  blankLines = 0;
  overLimit = 0;
  readonly formats: Partial<Record<FormatId, number>> = {};
  readonly preference = new PreferenceBalance();

  add(analysis: CountedLine): void {
    this.count(analysis, 1);
  }

  /** Takes an `add` back: an open document's line that changed or left keeps the counts in step without a recount. */
  remove(analysis: CountedLine): void {
    this.count(analysis, -1);
  }

  private count(analysis: CountedLine, step: 1 | -1): void {
    if (analysis.kind === 'blank') this.blankLines += step;
    if (analysis.kind !== 'record') return;
    this.records += step;
    if (analysis.overLimit) this.overLimit += step;
    this.preference.count(analysis.sideLengths, step);
    const format = analysis.ownFormat ?? analysis.format;
    if (format) this.formats[format] = (this.formats[format] ?? 0) + step;
  }
}

export interface DatasetFinding {
  rule: string;
  severity: Severity;
  message: string;
}

/** The dataset-level findings, shown on line 1. */
export function datasetFindings(counts: DatasetCounts, settings: DatasetSettings, estimated: boolean): DatasetFinding[] {
  const found: DatasetFinding[] = [];
  const dataset = { records: counts.records, overLimit: counts.overLimit, formats: counts.formats, minExamples: settings.minExamples, maxSeqLen: settings.maxSeqLen, estimated, preference: counts.preference.summary() };
  for (const rule of DATASET_RULES) {
    const severity = severityOf(settings, rule.meta);
    const message = severity && rule.judge(dataset);
    if (severity && message) found.push({ rule: rule.meta.id, severity, message });
  }
  return found;
}
