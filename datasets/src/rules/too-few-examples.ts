// too-few-examples: the file has fewer usable records than `minExamples`: too little to fine-tune on without
// overfitting. Shown on line 1 and in the report.
import type { RuleMeta } from './meta';
import type { DatasetView } from './rule';

export const meta: RuleMeta = {
  id: 'too-few-examples',
  defaultSeverity: 'info',
  scope: 'dataset',
  description: 'The file has fewer records than `minExamples` (default 50): too few to fine-tune on without overfitting.',
};

export function judge({ records, minExamples }: DatasetView): string | null {
  if (records === 0 || records >= minExamples) return null;
  return `only ${records} record${records === 1 ? '' : 's'}: fine-tuning usually needs at least ${minExamples}`;
}
