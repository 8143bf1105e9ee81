// The rule registry: every rule, in the order the README's table lists them. The service takes its lists from here
// by scope and hook (record rules run per line in this order, match rules word what the cross-line indexes find,
// dataset rules judge the counts), so a new rule is its own file plus one line below.
import * as chatTemplate from './chat-template';
import * as conflictingDuplicate from './conflicting-duplicate';
import * as duplicate from './duplicate';
import * as echo from './echo';
import * as emptyField from './empty-field';
import * as encoding from './encoding';
import * as evalOverlap from './eval-overlap';
import * as fileTooLarge from './file-too-large';
import * as formatMix from './format-mix';
import * as highLoss from './high-loss';
import * as jsonSyntax from './json-syntax';
import * as languageMismatch from './language-mismatch';
import * as lengthDistribution from './length-distribution';
import * as missingField from './missing-field';
import * as mixedFormat from './mixed-format';
import * as nearDuplicate from './near-duplicate';
import * as notObject from './not-object';
import * as pii from './pii';
import * as placeholder from './placeholder';
import * as preferenceContradiction from './preference-contradiction';
import * as preferenceIdentical from './preference-identical';
import * as preferenceLengthBias from './preference-length-bias';
import * as preferenceSideRole from './preference-side-role';
import * as refusalBoilerplate from './refusal-boilerplate';
import * as roleOrder from './role-order';
import type { CrossRecordRule, DatasetRule, MatchRule, RecordRule, Rule, RuleMeta } from './rule';
import * as secret from './secret';
import * as shortResponse from './short-response';
import * as tooFewExamples from './too-few-examples';
import * as tooLong from './too-long';
import * as tooManyFindings from './too-many-findings';
import * as truncatedResponse from './truncated-response';
import * as unknownKey from './unknown-key';
import * as unknownRole from './unknown-role';
import * as whitespace from './whitespace';
import * as wrongType from './wrong-type';

export type { CrossMatch, DatasetRule, DatasetView, FindingBody, MatchPlaces, MatchRule, RecordRule, Rule, RuleMeta } from './rule';

/**
 * Each rule module as a plain object: a bundled module namespace is an object of getters (esbuild's `__export`), so
 * reading `check`, `meta` or `matchMessage` off it per record or finding cost a function call each (~4% of the
 * per-line analysis in a CPU profile, 2026-12-06).
 */
const plain = (rule: Rule): Rule => ({ ...rule });

export const RULES: readonly Rule[] = [
  // structure
  { meta: jsonSyntax.meta },
  { meta: notObject.meta },
  missingField,
  wrongType,
  emptyField,
  unknownKey,
  mixedFormat,
  unknownRole,
  roleOrder,
  chatTemplate,
  // preference pairs
  preferenceIdentical,
  preferenceSideRole,
  preferenceContradiction,
  // content
  duplicate,
  conflictingDuplicate,
  nearDuplicate,
  tooLong,
  shortResponse,
  echo,
  truncatedResponse,
  refusalBoilerplate,
  placeholder,
  pii,
  secret,
  encoding,
  whitespace,
  languageMismatch,
  evalOverlap,
  // dataset
  tooFewExamples,
  formatMix,
  lengthDistribution,
  preferenceLengthBias,
  // after a run
  { meta: highLoss.meta },
  // the editor's own
  { meta: fileTooLarge.meta },
  { meta: tooManyFindings.meta },
].map(plain);

export const RECORD_RULES: readonly RecordRule[] = RULES.filter((rule): rule is RecordRule => rule.meta.scope === 'record' && 'check' in rule);

/** The cross-record rules whose matches the cross-line indexes find, by id. */
const MATCH_RULES = new Map<string, MatchRule>(RULES.filter((rule): rule is MatchRule => rule.meta.scope === 'cross-record' && 'describeMatch' in rule).map((rule) => [rule.meta.id, rule]));

/** The cross-record rules that compare fingerprints: while one is on, analyzeLine fingerprints every record. */
export const FINGERPRINT_RULES: readonly CrossRecordRule[] = RULES.filter((rule): rule is CrossRecordRule => rule.meta.scope === 'cross-record' && 'usesFingerprints' in rule && rule.usesFingerprints);

export const DATASET_RULES: readonly DatasetRule[] = RULES.filter((rule): rule is DatasetRule => rule.meta.scope === 'dataset' && 'judge' in rule);

export function matchRule(id: string): MatchRule {
  const rule = MATCH_RULES.get(id);
  if (!rule) throw new Error(`no cross-record rule '${id}' describes matches`);
  return rule;
}

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.meta.id);

const byId = new Map<string, RuleMeta>(RULES.map((rule) => [rule.meta.id, rule.meta]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}
