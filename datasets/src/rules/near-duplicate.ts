// near-duplicate: a record whose text is almost the same as an earlier one's (estimated Jaccard similarity of
// 5-character shingles at or above `nearDuplicateThreshold`, by MinHash with LSH bands; see cross-line/fingerprint.ts).
import type { RuleMeta } from './meta';
import type { CrossMatch, FindingBody, MatchPlaces } from './rule';

export const meta: RuleMeta = {
  id: 'near-duplicate',
  defaultSeverity: 'info',
  scope: 'cross-record',
  description: 'The record is nearly identical to an earlier one (MinHash Jaccard ≥ `nearDuplicateThreshold`, default 0.8).',
  fix: 'Delete the near-duplicate line.',
};

/** Shown on line 1 when `finetune lint` stopped the search after `limit` records (StreamIndex's memory bound). */
export function limitMessage(limit: number): string {
  return `near-duplicate search covered the first ${limit.toLocaleString('en-US')} records only`;
}

export const usesFingerprints = true;

export function matchMessage(match: CrossMatch): string {
  return `nearly the same as line ${match.first + 1} (about ${Math.round((match.similarity ?? 1) * 100)}% similar)`;
}

export function describeMatch(match: CrossMatch, places: MatchPlaces): FindingBody {
  return {
    range: places.range,
    message: matchMessage(match),
    related: [{ range: places.firstRange, message: 'first occurrence' }],
    // not preferred: a near-duplicate may be a deliberate variation
    fixes: [{ title: 'Delete this line', edits: [{ range: places.deleteLine, newText: '' }], preferred: false }],
  };
}
