// eval-overlap: a training record whose conversation, or whose prompt, also appears in the configured eval file:
// evaluation on it would measure memorisation. Points to the eval file's line.
import type { RuleMeta } from './meta';
import type { FindingBody } from './rule';
import type { Range } from '../../../contracts/src/dataset-types';

export const meta: RuleMeta = {
  id: 'eval-overlap',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: 'The record (or its prompt) also appears in the eval file set by `evalFile`; related information points to it.',
};

/** Shown on line 1 when the eval file cannot be read, so the overlap check silently did not run. */
export function unreadable(path: string, error: Error): string {
  return `cannot read the eval file ${path}: ${error.message}`;
}

export const usesFingerprints = true;

/** `samePrompt`: only the prompt matched, not the whole conversation. */
export function describe(range: Range, evalUri: string, evalLine: number, samePrompt: boolean): FindingBody {
  return {
    range,
    message: samePrompt ? `the eval file asks the same prompt (line ${evalLine + 1})` : `this record is also in the eval file (line ${evalLine + 1})`,
    related: [{ uri: evalUri, range: { start: { line: evalLine, character: 0 }, end: { line: evalLine, character: 0 } }, message: 'in the eval file' }],
  };
}
