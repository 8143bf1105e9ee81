// not-object: a line that is valid JSON but not an object (an array, a string, a number…): JSONL datasets hold one
// object per line. Driven by the line analyser.
import type { RuleMeta } from './rule';

export const meta: RuleMeta = {
  id: 'not-object',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A line holds valid JSON that is not an object; every record must be a JSON object.',
};

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
