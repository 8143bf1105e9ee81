// The severity a rule's findings get: the settings' override, else the rule's default. Null when turned off.
import type { RuleMeta } from './meta';
import type { DatasetSettings, Severity } from '../../../contracts/src/dataset-types';

export function severityOf(settings: Pick<DatasetSettings, 'severities'>, meta: RuleMeta): Severity | null {
  const value = settings.severities[meta.id] ?? meta.defaultSeverity;
  return value === 'off' ? null : value;
}

export function isEnabled(settings: Pick<DatasetSettings, 'severities'>, meta: RuleMeta): boolean {
  return severityOf(settings, meta) !== null;
}

/**
 * For a finding that says the file was not checked at all (too large, binary): shown even when its rule is off,
 * at the rule's default then, or the unchecked file would look clean.
 */
export function severityEvenIfOff(settings: Pick<DatasetSettings, 'severities'>, meta: RuleMeta): Severity {
  return severityOf(settings, meta) ?? meta.defaultSeverity;
}
