// The rule registry: every rule, in the order the README's table lists them. Record rules run per line in this
// order; the others are driven by the service (cross-record indexes, dataset statistics, run losses, file size).
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
import * as refusalBoilerplate from './refusal-boilerplate';
import * as roleOrder from './role-order';
import type { RecordRule, Rule, RuleMeta } from './rule';
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

export type { RecordRule, Rule, RuleMeta } from './rule';

export const RULES: readonly Rule[] = [
  // structure
  { meta: jsonSyntax.meta },
  { meta: notObject.meta },
  missingField,
  wrongType,
  emptyField,
  unknownKey,
  { meta: mixedFormat.meta },
  unknownRole,
  roleOrder,
  chatTemplate,
  // content
  { meta: duplicate.meta },
  { meta: conflictingDuplicate.meta },
  { meta: nearDuplicate.meta },
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
  { meta: evalOverlap.meta },
  // dataset
  { meta: tooFewExamples.meta },
  { meta: formatMix.meta },
  { meta: lengthDistribution.meta },
  // after a run
  { meta: highLoss.meta },
  // the editor's own
  { meta: fileTooLarge.meta },
  { meta: tooManyFindings.meta },
];

export const RECORD_RULES: readonly RecordRule[] = RULES.filter((rule): rule is RecordRule => typeof rule.check === 'function');

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.meta.id);

const byId = new Map<string, RuleMeta>(RULES.map((rule) => [rule.meta.id, rule.meta]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}
