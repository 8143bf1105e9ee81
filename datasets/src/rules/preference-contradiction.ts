// preference-contradiction: two preference pairs with the same prompt that prefer opposite answers — one record
// prefers X over Y, a later one Y over X. DPO's loss pulls the two pairs in opposite directions, so together they
// teach nothing but noise. Prompt and answers compare after whitespace and case normalisation (the duplicates' hashes,
// see cross-line/fingerprint.ts `preferenceKeys`), whether written as strings or as turns, explicit or implicit.
//
// Not a contradiction: the same prompt and the same chosen answer with a different rejected one (several pairs per
// prompt are how preference data is usually built), nor the same pair repeated. Reported on the later record only
// (a file is read top to bottom), pointing to the first record with the opposite preference.
import type { RuleMeta } from './meta';
import type { CrossMatch, FindingBody, MatchPlaces } from './rule';

export const meta: RuleMeta = {
  id: 'preference-contradiction',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: 'A preference pair prefers the opposite answer of an earlier pair with the same prompt (its chosen is the other\'s rejected and the other way round); related information points to the earlier pair.',
};

export const usesFingerprints = true;

export function matchMessage(match: CrossMatch): string {
  return `line ${match.first + 1} prefers the opposite answer for the same prompt`;
}

// no fix: which preference is right is the author's call
export function describeMatch(match: CrossMatch, places: MatchPlaces): FindingBody {
  return {
    range: places.range,
    message: matchMessage(match),
    related: [{ range: places.firstRange, message: 'the pair with the opposite preference' }],
  };
}
