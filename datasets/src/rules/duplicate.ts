// duplicate: a record identical to an earlier one after whitespace and case normalisation. Points to the first
// occurrence; the fix deletes the line. Driven by the service's exact-key index (cross-line/fingerprint.ts).
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'duplicate',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: 'The record repeats an earlier one (after whitespace and case normalisation); related information points to the first occurrence.',
  fix: 'Delete the duplicate line.',
};

export function message(firstLine: number): string {
  return `duplicate of the record on line ${firstLine + 1}`;
}
