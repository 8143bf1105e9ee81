// conflicting-duplicate: the same prompt as an earlier record with a different response: the model is taught two
// answers to one question. Points to the first record with that prompt.
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'conflicting-duplicate',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: 'The same prompt as an earlier record but a different response; related information points to the first one.',
};

export function message(firstLine: number): string {
  return `same prompt as line ${firstLine + 1} with a different response`;
}
