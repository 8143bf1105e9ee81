// What every rule declares about itself. A file of its own (no imports but the contracts) so that the record, the
// service and the rule files can all name it without importing one another.
import type { Severity } from '../../../contracts/src/dataset-types';

/**
 * Where a rule looks, which decides what drives it: `record` rules run per line on a RecordContext, `cross-record`
 * rules compare a record with others (the cross-line indexes), `dataset` rules judge the file's counts, `run` rules
 * a training run's losses, `file` rules the open file as a whole.
 */
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
