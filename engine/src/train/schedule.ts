// Learning-rate schedule: linear warmup up to the peak, then cosine decay to peak × minLrRatio at the last step.
// Steps are 1-based optimizer steps, as logged in metrics.jsonl.

export interface ScheduleOptions {
  peakLr: number;
  totalSteps: number;
  warmupSteps: number;
  minLrRatio: number;
}

export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { peakLr, totalSteps, warmupSteps, minLrRatio } = options;
  if (warmupSteps > 0 && step <= warmupSteps) return (peakLr * step) / warmupSteps;
  // The first step after warmup runs at the peak, the last at the minimum.
  const decaySteps = Math.max(1, totalSteps - warmupSteps - 1);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps - 1) / decaySteps));
  const minLr = peakLr * minLrRatio;
  return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** The default warmup when none is given: 5% of the run, at least one step when the run has more than ten. */
export function defaultWarmupSteps(totalSteps: number): number {
  return totalSteps > 10 ? Math.max(1, Math.round(totalSteps * 0.05)) : 0;
}
