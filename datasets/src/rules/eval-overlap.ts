// eval-overlap: a training record whose conversation, or whose prompt, also appears in the configured eval file:
// evaluation on it would measure memorisation. Points to the eval file's line.
import type { RuleMeta } from './meta';

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

export function message(evalLine: number, samePrompt: boolean): string {
  return samePrompt ? `the eval file asks the same prompt (line ${evalLine + 1})` : `this record is also in the eval file (line ${evalLine + 1})`;
}
