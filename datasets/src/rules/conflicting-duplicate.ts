// conflicting-duplicate: the same prompt as an earlier record with a different response: the model is taught two
// answers to one question. Points to the first record with that prompt.
import type { RuleMeta } from './meta';
import type { CrossMatch, FindingBody, MatchPlaces } from './rule';

export const meta: RuleMeta = {
  id: 'conflicting-duplicate',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: 'The same prompt as an earlier record but a different response; related information points to the first one. Not for preference pairs (several answers per prompt are how they are made; `preference-contradiction` covers the conflict that matters).',
};

export const usesFingerprints = true;

export function matchMessage(match: CrossMatch): string {
  return `same prompt as line ${match.first + 1} with a different response`;
}

// no fix: which of the two answers is right is the author's call
export function describeMatch(match: CrossMatch, places: MatchPlaces): FindingBody {
  return {
    range: places.range,
    message: matchMessage(match),
    related: [{ range: places.firstRange, message: 'the first record with this prompt' }],
  };
}
