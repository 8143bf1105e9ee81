// What a RuleTester table must hold to count as the rule's test: the rule exists, at least one invalid case, a
// checked message, and, when the rule declares a fix, a case that checks the text after it.
import { ruleMeta } from '../../../datasets/src/index';
import type { RuleCases } from './rule-cases';

export function tableProblems(rule: string, cases: RuleCases): string[] {
  const meta = ruleMeta(rule);
  if (!meta) return [`no rule '${rule}' is registered`];
  const errors = cases.invalid.flatMap((item) => item.errors);
  const problems: string[] = [];
  if (errors.length === 0) problems.push('no invalid case with a finding');
  if (!errors.some((error) => error.message !== undefined)) problems.push('no message checked');
  if (meta.fix && !errors.some((error) => error.fixed !== undefined)) problems.push(`the rule offers a fix (${meta.fix}) but no case checks the fixed text`);
  return problems;
}
