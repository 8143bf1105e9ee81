// mixed-format: a record in a different format from the file's (the format most of the first 1,000 records use, or
// the one pinned in settings). The trainer still reads it by its own keys, but a mixed file is usually an accident.
import type { FormatId } from '../../../contracts/src/dataset-types';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'mixed-format',
  defaultSeverity: 'warning',
  scope: 'cross-record',
  description: "The record's keys put it in a different format from the rest of the file (or from the format pinned in settings).",
};

export function message(own: FormatId, file: FormatId, pinned: boolean): string {
  return `this record is in the ${own} format, the file ${pinned ? 'is set to' : 'is mostly'} ${file}`;
}
