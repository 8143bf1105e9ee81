// What a run's loss means: sft (the causal-LM loss on the answers) or dpo (TRL's sigmoid DPO loss on preference pairs,
// from ln 2 ≈ 0.693 down). Read from run.json's `config` (the resolved training arguments); a run without `objective`
// predates it and is sft. Browser-safe (type imports only): the dashboard webview labels its figures with it.
import type { PreferenceMetrics } from './run-events';
import type { Objective } from '../training-arguments';

export function objectiveOf(config: Readonly<Record<string, unknown>> | undefined): Objective {
  return config?.objective === 'dpo' ? 'dpo' : 'sft';
}

/** "loss" or "DPO loss": the name of a run's loss wherever a number is shown next to it. */
export function lossName(objective: Objective): string {
  return objective === 'dpo' ? 'DPO loss' : 'loss';
}

/** The preference fields of a step or eval event, or undefined when it carries none (an sft run). */
export function preferenceMetricsOf(event: PreferenceMetrics): PreferenceMetrics | undefined {
  const picked: PreferenceMetrics = {};
  for (const key of ['rewardsChosen', 'rewardsRejected', 'margin', 'accuracy'] as const) {
    if (typeof event[key] === 'number') picked[key] = event[key];
  }
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/** A reward or margin (β-scaled log-probability ratios: small, signed). */
export function formatReward(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(3);
}

/** Reward accuracy, the share of pairs whose chosen answer got the higher reward. */
export function formatAccuracy(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(0)}%`;
}
