// json-syntax: a line that is not valid JSON, with the exact column of the first error. Driven by the line
// analyser (there is no record to give a RecordContext); the scanner lives in line/json-scan.ts. Also the finding for a
// line too long to read and for a binary file, which are not JSON Lines either.
import { findSyntaxError } from '../line/json-scan';
import type { LineProblem } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'json-syntax',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A line is not valid JSON; the finding points at the exact character where parsing fails.',
};

/** A line JSON.parse rejected: the scanner's exact place, else the whole line with the parser's own message. */
export function problem(line: string, start: number, parseError: Error): LineProblem {
  return findSyntaxError(line, start) ?? { start, end: line.length, message: parseError.message };
}

/** A line over the reader's limit, which is skipped unread: its first character is underlined. */
export function oversized(bytes: number, maxLineBytes: number): LineProblem {
  return { start: 0, end: 1, message: `this line is ${(bytes / 1048576).toFixed(1)} MB, over the ${(maxLineBytes / 1048576).toFixed(0)} MB a record may have: is a line break missing?` };
}

export const BINARY_FILE_MESSAGE = 'this is a binary file (it contains NUL bytes), not JSON Lines text';
