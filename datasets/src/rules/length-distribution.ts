// length-distribution: a large share of the file is over the maximum sequence length (more than 5% of records),
// which usually means maxSeqLen is too small for this data or the data needs splitting. Shown on line 1.
import type { RuleMeta } from './meta';
import type { DatasetView } from './rule';

export const meta: RuleMeta = {
  id: 'length-distribution',
  defaultSeverity: 'warning',
  scope: 'dataset',
  description: 'More than 5% of records exceed `maxSeqLen`: raise the limit or split the long records.',
};

export const SHARE_THRESHOLD = 0.05;

export function judge({ records, overLimit, maxSeqLen, estimated }: DatasetView): string | null {
  if (records === 0 || overLimit / records <= SHARE_THRESHOLD) return null;
  const percent = Math.round((overLimit / records) * 1000) / 10;
  return `${percent}% of records (${overLimit} of ${records}) exceed the maximum sequence length of ${maxSeqLen}${estimated ? ' (estimated token counts)' : ''}`;
}
