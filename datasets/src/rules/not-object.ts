// not-object: a line that is valid JSON but not an object (an array, a string, a number…): JSONL datasets hold one
// object per line. Driven by the line analyser, which has the parsed value.
import { skipWhitespace, valueEnd } from '../line/json-scan';
import type { LineProblem } from '../line/record';
import type { RuleMeta } from './meta';

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

/** `value` is the line's parsed JSON (not an object); the finding underlines all of it. */
export function problem(line: string, start: number, value: unknown): LineProblem {
  const valueStart = skipWhitespace(line, start);
  return { start: valueStart, end: valueEnd(line, valueStart), message: `each line should be a JSON object, not ${describeValue(value)}` };
}
