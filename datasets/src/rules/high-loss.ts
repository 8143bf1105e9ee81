// high-loss: after a training run, records whose mean token loss is far above the rest: loss above
// median + 3 × 1.4826 × MAD (the median absolute deviation scaled to a standard deviation; robust to the outliers
// it looks for). Such records are often mislabeled, garbled or in the wrong language.
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'high-loss',
  defaultSeverity: 'info',
  scope: 'run',
  description: "After a run: the record's loss is far above the median (> median + 3·1.4826·MAD): likely mislabeled or garbled.",
};

export interface LossThreshold {
  median: number;
  mad: number;
  threshold: number;
}

function median(sorted: Float64Array): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of the finite losses, or null when there are none. */
export function medianOf(losses: Iterable<number>): number | null {
  const values = Float64Array.from([...losses].filter((loss) => Number.isFinite(loss))).sort();
  return values.length ? median(values) : null;
}

/** Null when there are too few losses (under 5) to call any of them an outlier. */
export function threshold(losses: Iterable<number>): LossThreshold | null {
  const values = Float64Array.from([...losses].filter((loss) => Number.isFinite(loss))).sort();
  if (values.length < 5) return null;
  const middle = median(values);
  const deviations = values.map((loss) => Math.abs(loss - middle)).sort();
  const mad = median(deviations);
  // with a MAD of zero every loss but the median's would count; require a real margin
  const spread = Math.max(1.4826 * mad, 1e-6 + Math.abs(middle) * 0.05);
  return { median: middle, mad, threshold: middle + 3 * spread };
}

export function message(loss: number, limits: LossThreshold): string {
  return `loss ${loss.toFixed(3)} is far above the median ${limits.median.toFixed(3)}: check this record's labels`;
}
