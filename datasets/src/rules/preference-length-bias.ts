// preference-length-bias: the chosen answers are systematically longer than the rejected ones. DPO then learns
// "longer is better" as readily as the preference itself (a known pitfall: verbosity grows with training), so the
// finding gives the median length ratio and the share of pairs where chosen is the longer. Shown on line 1.
import type { RuleMeta } from './meta';
import type { DatasetView } from './rule';

export const meta: RuleMeta = {
  id: 'preference-length-bias',
  defaultSeverity: 'warning',
  scope: 'dataset',
  description: 'In preference data, chosen answers are systematically longer than rejected ones (median ratio ≥ 1.5 and chosen longer in ≥ 75% of pairs): DPO may learn length instead of quality.',
};

/** Too few pairs say nothing systematic. */
export const MIN_PAIRS = 10;
export const RATIO_THRESHOLD = 1.5;
export const SHARE_THRESHOLD = 0.75;

export function judge({ preference }: DatasetView): string | null {
  const { pairs, chosenLonger, medianRatio } = preference;
  if (pairs < MIN_PAIRS || medianRatio === null) return null;
  const share = chosenLonger / pairs;
  if (medianRatio < RATIO_THRESHOLD || share < SHARE_THRESHOLD) return null;
  const percent = Math.round(share * 100);
  return `chosen answers are longer than rejected ones in ${percent}% of pairs (${chosenLonger} of ${pairs}), ${medianRatio.toFixed(1)}× as long at the median (characters): DPO may learn to prefer length; add pairs where the shorter answer wins`;
}
