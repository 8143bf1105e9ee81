// json-syntax: a line that is not valid JSON, with the exact column of the first error. Driven by the line
// analyser (there is no record to give a RecordContext); the scanner lives in service/json-scan.ts.
import type { RuleMeta } from './rule';

export const meta: RuleMeta = {
  id: 'json-syntax',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A line is not valid JSON; the finding points at the exact character where parsing fails.',
};
