// Turning line-relative findings into published ones (line numbers, fix edits as ranges), a rule's worded finding
// into one with its id and severity, and the order findings are shown in.
import { matchRule, type CrossMatch, type FindingBody, type MatchPlaces } from '../rules/index';
import type { RuleMeta } from '../rules/meta';
import { severityOf } from '../rules/severity';
import type { LocalFinding } from '../line/record';
import type { DatasetSettings, Finding, Range, Severity } from '../../../contracts/src/dataset-types';

export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** `plain`: without its fixes (see crossFindingPlain). */
export function publish(local: LocalFinding, line: number, plain = false): Finding {
  const finding: Finding = { rule: local.rule, severity: local.severity, range: lineRange(line, local.start, local.end), message: local.message };
  if (local.fixes && !plain) {
    finding.fixes = local.fixes.map((fix) => ({
      title: fix.title,
      preferred: fix.preferred,
      edits: fix.edits.map((edit) => ({ range: lineRange(line, edit.start, edit.end), newText: edit.newText })),
    }));
  }
  return finding;
}

/** A finding a rule worded, given the rule's id and severity; null when the rule is off (the body is then not built). */
export function ruleFinding(settings: DatasetSettings, meta: RuleMeta, body: () => FindingBody): Finding | null {
  const severity = severityOf(settings, meta);
  return severity ? { rule: meta.id, severity, ...body() } : null;
}

/** A match a cross-line index found, worded by the rule it matched for. */
export function crossFinding(settings: DatasetSettings, match: CrossMatch, places: MatchPlaces): Finding | null {
  const rule = matchRule(match.rule);
  return ruleFinding(settings, rule.meta, () => rule.describeMatch(match, places));
}

/**
 * crossFinding without the fixes and related locations, which a consumer that shows neither (`finetune lint`) would
 * only throw away: with a match on every line they were most of what the main thread allocated per line.
 */
export function crossFindingPlain(settings: DatasetSettings, match: CrossMatch, range: Range): Finding | null {
  const rule = matchRule(match.rule);
  const severity = severityOf(settings, rule.meta);
  return severity ? { rule: rule.meta.id, severity, range, message: rule.matchMessage(match) } : null;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}
