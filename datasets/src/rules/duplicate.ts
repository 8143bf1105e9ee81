// duplicate: a record identical to an earlier one after whitespace and case normalisation. Points to the first
// occurrence; the fix deletes the line. Driven by the service's exact-key index (cross-line/fingerprint.ts).
import type { RuleMeta } from './meta';
import type { CrossMatch, FindingBody, MatchPlaces } from './rule';

export const meta: RuleMeta = {
  id: 'duplicate',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: 'The record repeats an earlier one (after whitespace and case normalisation; a preference pair: the same prompt and both answers); related information points to the first occurrence.',
  fix: 'Delete the duplicate line.',
};

export const usesFingerprints = true;

export function matchMessage(match: CrossMatch): string {
  return `duplicate of the record on line ${match.first + 1}`;
}

export function describeMatch(match: CrossMatch, places: MatchPlaces): FindingBody {
  return {
    range: places.range,
    message: matchMessage(match),
    related: [{ range: places.firstRange, message: 'first occurrence' }],
    fixes: [{ title: 'Delete this line', edits: [{ range: places.deleteLine, newText: '' }], preferred: true }],
  };
}
