// Which rules a pass over many lines runs, decided once from its settings: looking up each rule's severity for every
// record was 2.5% of `finetune lint` on templated data (a CPU profile, 2026-12-06). A pass's settings never change
// while it runs; an open document makes a plan with its settings (a settings change makes a new document).
import { FINGERPRINT_RULES, RECORD_RULES } from './index';
import * as preferenceContradiction from './preference-contradiction';
import { isEnabled } from './severity';
import type { RecordRule } from './rule';
import type { DatasetSettings } from '../../../contracts/src/dataset-types';

export interface RulePlan {
  /** The record rules that are on, in RECORD_RULES order. */
  readonly recordRules: readonly RecordRule[];
  /** Whether a rule that compares fingerprints is on (records are fingerprinted only then). */
  readonly fingerprints: boolean;
  readonly preferenceContradiction: boolean;
}

export function rulePlan(settings: DatasetSettings): RulePlan {
  return {
    recordRules: RECORD_RULES.filter((rule) => isEnabled(settings, rule.meta)),
    fingerprints: FINGERPRINT_RULES.some((rule) => isEnabled(settings, rule.meta)),
    preferenceContradiction: isEnabled(settings, preferenceContradiction.meta),
  };
}
