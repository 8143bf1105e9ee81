// The findings of one line in a file read top to bottom (`finetune lint`, the trainer's loader): its own findings,
// then those that need the lines before it (mixed format, duplicates, near-duplicates, eval overlap), and the
// dataset counts. Shared by the single-threaded pass and the parallel one, which analyse lines differently but
// must report the same.
import * as jsonSyntax from '../rules/json-syntax';
import type { LineAnalysis } from '../line/analyze-line';
import type { DatasetCounts } from '../cross-line/dataset-stats';
import type { EvalIndex } from '../cross-line/eval-index';
import type { Fingerprint } from '../cross-line/fingerprint';
import { crossFinding, crossFindingPlain, lineRange, publish, ruleFinding } from '../output/findings';
import * as evalOverlap from '../rules/eval-overlap';
import * as mixedFormat from '../rules/mixed-format';
import { severityOf } from '../rules/severity';
import type { StreamIndex } from '../cross-line/stream-index';
import type { CrossMatch } from '../rules/rule';
import type { DatasetSettings, Finding, FormatId } from '../../../contracts/src/dataset-types';

/** What `process` reads of a line's analysis. */
export type AnalysedLine = Pick<LineAnalysis, 'kind' | 'findings' | 'ownFormat' | 'format' | 'overLimit' | 'sideLengths'> & { fingerprint: Fingerprint | null };

export class LineFindings {
  constructor(
    private readonly settings: DatasetSettings,
    private readonly counts: DatasetCounts,
    readonly index: StreamIndex,
    private readonly evalIndex: EvalIndex | null,
    private readonly fileFormat: () => FormatId | null,
    private readonly maxLineBytes: number,
    /** Findings without fixes or related locations (LintContext.plain). */
    private readonly plain = false,
  ) {}

  /**
   * `locate` gives the offsets of the record's primary key, asked for only when a finding needs them; `match` is the
   * record's cross-record match, which the caller looked up for its whole block (StreamIndex.addBlock).
   */
  process(number: number, oversizedBytes: number | undefined, analysis: AnalysedLine, locate: () => { start: number; end: number }, match: CrossMatch | null = null): Finding[] {
    const { settings, evalIndex } = this;
    const out: Finding[] = [];
    if (oversizedBytes !== undefined) {
      const severity = severityOf(settings, jsonSyntax.meta);
      if (severity) out.push(publish({ rule: jsonSyntax.meta.id, severity, ...jsonSyntax.oversized(oversizedBytes, this.maxLineBytes) }, number));
      return out;
    }
    this.counts.add(analysis);
    for (const local of analysis.findings) out.push(publish(local, number, this.plain));
    if (analysis.kind !== 'record') return out;
    let located: Finding['range'] | null = null;
    const range = () => {
      if (!located) {
        const offsets = locate();
        located = lineRange(number, offsets.start, offsets.end);
      }
      return located;
    };
    const format = this.fileFormat();
    const own = analysis.ownFormat;
    if (own && format && own !== format) {
      const mixed = ruleFinding(settings, mixedFormat.meta, () => mixedFormat.describe(range(), own, format, settings.format !== 'auto'));
      if (mixed) out.push(mixed);
    }
    const print = analysis.fingerprint;
    if (print) {
      if (match) {
        const found = this.plain
          ? crossFindingPlain(settings, match, range())
          : crossFinding(settings, match, { range: range(), firstRange: lineRange(match.first, 0, 0), deleteLine: { start: { line: number, character: 0 }, end: { line: number + 1, character: 0 } } });
        if (found) out.push(found);
      }
      if (evalIndex) {
        const fullLine = print.full !== null ? evalIndex.full.get(print.full) : undefined;
        const promptLine = fullLine === undefined && print.prompt !== null ? evalIndex.prompt.get(print.prompt) : undefined;
        const evalLine = fullLine ?? promptLine;
        if (evalLine !== undefined) {
          const found = ruleFinding(settings, evalOverlap.meta, () => evalOverlap.describe(range(), evalIndex.uri, evalLine, fullLine === undefined));
          if (found) out.push(found);
        }
      }
    }
    return out;
  }
}
