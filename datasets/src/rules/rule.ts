// What a rule is: metadata (stable id, default severity, documentation, whether it offers a fix) and, for rules
// that look at one record at a time, a check over a RecordContext. Rules that compare records (duplicates, eval
// overlap, mixed formats) or judge the whole file keep their logic in their own file too, but are driven by the
// service's incremental indexes; their `check` is absent.
import type { RecordContext } from '../record';
import type { Severity } from '../../../contracts/src/dataset-types';

export type RuleScope = 'record' | 'cross-record' | 'dataset' | 'run' | 'file';

export interface RuleMeta {
  /** Stable: used as the diagnostic code, in settings and in the config file. */
  id: string;
  defaultSeverity: Severity;
  scope: RuleScope;
  /** One sentence: what the rule reports (the README table's "what" column). */
  description: string;
  /** What the fix does, when the rule offers one (the README table's "fix" column). */
  fix?: string;
}

export interface RecordRule {
  meta: RuleMeta;
  check(record: RecordContext): void;
}

export interface PassiveRule {
  meta: RuleMeta;
  check?: undefined;
}

export type Rule = RecordRule | PassiveRule;
