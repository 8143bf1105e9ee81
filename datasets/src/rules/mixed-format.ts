// mixed-format: a record in a different format from the file's (the format most of the first 1,000 records use, or
// the one pinned in settings). The trainer still reads it by its own keys, but a mixed file is usually an accident.
import type { FormatId } from '../../../contracts/src/dataset-types';
import type { RuleMeta } from './meta';
import type { FindingBody } from './rule';
import type { Range } from '../../../contracts/src/dataset-types';

export const meta: RuleMeta = {
  id: 'mixed-format',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: "The record's keys put it in a different format from the rest of the file (or from the format pinned in settings).",
};

/** It compares formats, which every analysis has: no fingerprints needed. */
export const usesFingerprints = false;

/** `pinned`: the file's format comes from settings rather than from the records. */
export function describe(range: Range, own: FormatId, file: FormatId, pinned: boolean): FindingBody {
  return { range, message: `this record is in the ${own} format, the file ${pinned ? 'is set to' : 'is mostly'} ${file}` };
}
