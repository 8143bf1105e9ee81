// Turning line-relative findings into published ones (line numbers, fix edits as ranges), and the findings the
// service builds itself: cross-record ones with related locations, and dataset-level ones on line 1.
import * as conflictingDuplicate from '../rules/conflicting-duplicate';
import * as duplicate from '../rules/duplicate';
import * as evalOverlap from '../rules/eval-overlap';
import * as mixedFormat from '../rules/mixed-format';
import * as nearDuplicate from '../rules/near-duplicate';
import type { RuleMeta } from '../rules/meta';
import { severityOf } from '../rules/severity';
import type { LocalFinding } from '../line/record';
import type { CrossMatch } from '../cross-line/stream-index';
import type { DatasetSettings, Finding, FormatId, Range, RelatedLocation, Severity } from '../../../contracts/src/dataset-types';

export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function publish(local: LocalFinding, line: number): Finding {
  const finding: Finding = { rule: local.rule, severity: local.severity, range: lineRange(line, local.start, local.end), message: local.message };
  if (local.fixes) {
    finding.fixes = local.fixes.map((fix) => ({
      title: fix.title,
      preferred: fix.preferred,
      edits: fix.edits.map((edit) => ({ range: lineRange(line, edit.start, edit.end), newText: edit.newText })),
    }));
  }
  return finding;
}

const CROSS_META: Record<CrossMatch['rule'], RuleMeta> = {
  duplicate: duplicate.meta,
  'conflicting-duplicate': conflictingDuplicate.meta,
  'near-duplicate': nearDuplicate.meta,
};

/**
 * A cross-record finding on `line` (underlining `range`) that points at the earlier record. `deleteLine` is the
 * range that removes this line with its line break, offered as the fix for duplicates.
 */
export function crossFinding(settings: DatasetSettings, match: CrossMatch, range: Range, firstRange: Range, deleteLine: Range): Finding | null {
  const meta = CROSS_META[match.rule];
  const severity = severityOf(settings, meta);
  if (!severity) return null;
  const message =
    match.rule === 'duplicate' ? duplicate.message(match.first) : match.rule === 'conflicting-duplicate' ? conflictingDuplicate.message(match.first) : nearDuplicate.message(match.first, match.similarity);
  const related: RelatedLocation[] = [{ range: firstRange, message: match.rule === 'conflicting-duplicate' ? 'the first record with this prompt' : 'first occurrence' }];
  const finding: Finding = { rule: meta.id, severity, range, message, related };
  if (match.rule !== 'conflicting-duplicate') finding.fixes = [{ title: 'Delete this line', edits: [{ range: deleteLine, newText: '' }], preferred: match.rule === 'duplicate' }];
  return finding;
}

export function evalOverlapFinding(settings: DatasetSettings, range: Range, evalUri: string, evalLine: number, samePrompt: boolean): Finding | null {
  const severity = severityOf(settings, evalOverlap.meta);
  if (!severity) return null;
  return {
    rule: evalOverlap.meta.id,
    severity,
    range,
    message: evalOverlap.message(evalLine, samePrompt),
    related: [{ uri: evalUri, range: lineRange(evalLine, 0, 0), message: 'in the eval file' }],
  };
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function mixedFormatFinding(settings: DatasetSettings, own: FormatId, file: FormatId, range: Range): Finding | null {
  const severity = severityOf(settings, mixedFormat.meta);
  if (!severity) return null;
  return { rule: mixedFormat.meta.id, severity, range, message: mixedFormat.message(own, file, settings.format !== 'auto') };
}
