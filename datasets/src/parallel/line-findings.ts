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
  process(number: number, oversizedBytes: number | undefined, analysis: AnalysedLine, locate: Locate, match: CrossMatch | null = null): readonly Finding[] {
    const { settings, evalIndex } = this;
    if (oversizedBytes !== undefined) {
      const severity = severityOf(settings, jsonSyntax.meta);
      return severity ? [publish({ rule: jsonSyntax.meta.id, severity, ...jsonSyntax.oversized(oversizedBytes, this.maxLineBytes) }, number)] : NONE;
    }
    this.counts.add(analysis);
    // Allocated for the first finding, at its size: a line has one finding or none nearly always, and an empty
    // array's first push reserves room for 17 (with a finding on every line, the per-line garbage showed in the scavenges).
    let out: Finding[] | null = null;
    for (const local of analysis.findings) out = added(out, publish(local, number, this.plain));
    if (analysis.kind !== 'record') return out ?? NONE;
    const format = this.fileFormat();
    const own = analysis.ownFormat;
    if (own && format && own !== format) {
      const mixed = this.mixedFormat(number, locate, own, format);
      if (mixed) out = added(out, mixed);
    }
    const print = analysis.fingerprint;
    if (print) {
      if (match) {
        const range = primaryRange(number, locate);
        const found = this.plain
          ? crossFindingPlain(settings, match, range)
          : crossFinding(settings, match, { range, firstRange: lineRange(match.first, 0, 0), deleteLine: { start: { line: number, character: 0 }, end: { line: number + 1, character: 0 } } });
        if (found) out = added(out, found);
      }
      if (evalIndex) {
        const found = this.evalOverlap(number, locate, evalIndex, print);
        if (found) out = added(out, found);
      }
    }
    return out ?? NONE;
  }

  // The rarer findings in methods of their own: a closure in `process` would cost every line a context object.

  private mixedFormat(number: number, locate: Locate, own: FormatId, format: FormatId): Finding | null {
    const { settings } = this;
    return ruleFinding(settings, mixedFormat.meta, () => mixedFormat.describe(primaryRange(number, locate), own, format, settings.format !== 'auto'));
  }

  private evalOverlap(number: number, locate: Locate, evalIndex: EvalIndex, print: Fingerprint): Finding | null {
    const fullLine = print.full !== null ? evalIndex.full.get(print.full) : undefined;
    const promptLine = fullLine === undefined && print.prompt !== null ? evalIndex.prompt.get(print.prompt) : undefined;
    const evalLine = fullLine ?? promptLine;
    if (evalLine === undefined) return null;
    return ruleFinding(this.settings, evalOverlap.meta, () => evalOverlap.describe(primaryRange(number, locate), evalIndex.uri, evalLine, fullLine === undefined));
  }
}

type Locate = () => { start: number; end: number };

/** What `process` returns for a line without findings (most lines of most files): one array, never written to. */
const NONE: readonly Finding[] = [];

function added(out: Finding[] | null, finding: Finding): Finding[] {
  if (!out) return [finding];
  out.push(finding);
  return out;
}

function primaryRange(number: number, locate: Locate): Finding['range'] {
  const offsets = locate();
  return lineRange(number, offsets.start, offsets.end);
}
