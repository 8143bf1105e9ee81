// What a rule is, by its scope (meta.ts): the service reads a rule's scope and hooks from the registry instead of
// naming rules itself. Every rule keeps its logic and its wording in its own file.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';
import type { FormatId, PreferenceLengths, Range, RelatedLocation, Fix } from '../../../contracts/src/dataset-types';

export type { RuleMeta, RuleScope } from './meta';

/** Runs per line on a parsed record, in registry order. */
export interface RecordRule {
  meta: RuleMeta;
  check(record: RecordContext): void;
}

/** A finding before the service gives it the rule's id and severity. */
export interface FindingBody {
  range: Range;
  message: string;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

/** What a cross-line index found for a record: the rule it matched for, the earlier line, for near-duplicates how closely. */
export interface CrossMatch {
  rule: string;
  first: number;
  similarity?: number;
}

/** Where a matched record's finding points. `deleteLine` removes the record's line with its line break. */
export interface MatchPlaces {
  range: Range;
  firstRange: Range;
  deleteLine: Range;
}

/**
 * Compares a record with the records before it. The cross-line indexes find the matches (fingerprints: exact keys,
 * prompts, MinHash bands); `describeMatch` words a match. The service fingerprints records only while a rule that
 * `usesFingerprints` is on.
 */
export interface MatchRule {
  meta: RuleMeta;
  usesFingerprints: true;
  describeMatch(match: CrossMatch, places: MatchPlaces): FindingBody;
  /** describeMatch's message alone, for findings shown without fixes or related locations (`finetune lint`). */
  matchMessage(match: CrossMatch): string;
}

/** Compares a record with the eval file (through fingerprints) or with the file's format; the service drives it. */
export interface CrossRecordRule {
  meta: RuleMeta;
  usesFingerprints: boolean;
}

/** The counts a dataset rule judges (kept by dataset-stats.ts for a stream and an open document alike). */
export interface DatasetView {
  records: number;
  overLimit: number;
  formats: Partial<Record<FormatId, number>>;
  minExamples: number;
  maxSeqLen: number;
  /** True when token counts are estimates. */
  estimated: boolean;
  /** How the preference pairs' answers compare in length (no pairs outside preference data). */
  preference: PreferenceLengths;
}

/** Judges the whole file; its message is shown on line 1, null when there is nothing to say. */
export interface DatasetRule {
  meta: RuleMeta;
  judge(dataset: DatasetView): string | null;
}

/** Driven by the service where it has what the rule needs (a line that is not a record, a run's losses, the open file). */
export interface PassiveRule {
  meta: RuleMeta;
}

export type Rule = RecordRule | MatchRule | CrossRecordRule | DatasetRule | PassiveRule;
