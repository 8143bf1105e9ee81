// What a rule is: metadata (stable id, default severity, documentation, whether it offers a fix) and, for rules
// that look at one record at a time, a check over a RecordContext. Rules that compare records (duplicates, eval
// overlap, mixed formats) or judge the whole file keep their logic in their own file too, but are driven by the
// service's incremental indexes; their `check` is absent.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export type { RuleMeta, RuleScope } from './meta';

export interface RecordRule {
  meta: RuleMeta;
  check(record: RecordContext): void;
}

export interface PassiveRule {
  meta: RuleMeta;
  check?: undefined;
}

export type Rule = RecordRule | PassiveRule;
