// Preference pairs scored by a model: each side's completion log-probability (TRL's reading, train/preference-data.ts),
// and the DPO metrics of a policy against a reference (train/preference-loss.ts: the same tally the trainer logs).
// `finetune eval` on preference data, and Compare Base vs Fine-Tuned's "which side does each model prefer".
import type { ModelFolder } from '../io/model-folder';
import type { DeviceOutcome } from '../runtime/devices';
import type { PreferenceMetrics } from '../../../contracts/src/run/run-events';
import type { TokenizedPair } from '../train/preference-data';
import { PreferenceTally } from '../train/preference-loss';
import { scoreExamples, type ScoreExamplesOptions } from './per-example';

export interface PairScore {
  /** 0-based line of the record. */
  line: number;
  /** Summed log-probability of each side's completion tokens. */
  chosen: number;
  rejected: number;
}

export async function scorePairs(folder: ModelFolder, pairs: readonly TokenizedPair[], options: ScoreExamplesOptions = {}): Promise<{ scores: PairScore[]; device: DeviceOutcome }> {
  const sides = pairs.flatMap((pair) => [pair.chosen, pair.rejected]);
  const result = await scoreExamples(folder, sides, options);
  const logprob = new Float64Array(sides.length);
  for (const loss of result.losses) logprob[loss.index] = -loss.loss * loss.tokens;
  return { scores: pairs.map((pair, index) => ({ line: pair.line, chosen: logprob[2 * index], rejected: logprob[2 * index + 1] })), device: result.device };
}

export interface PreferenceSummary extends Required<PreferenceMetrics> {
  /** Mean DPO (sigmoid) loss over the pairs. */
  loss: number;
  pairs: number;
  beta: number;
  /** Share of pairs whose chosen side the policy itself gives the higher log-probability (no reference). */
  policyPrefersChosen: number;
}

export function summarizePreferences(policy: readonly PairScore[], reference: readonly PairScore[], beta: number): PreferenceSummary {
  const tally = new PreferenceTally(beta);
  // the tally reads a batch's rows: chosen rows, then rejected rows
  tally.add([...policy.map((pair) => pair.chosen), ...policy.map((pair) => pair.rejected)], [...reference.map((pair) => pair.chosen), ...reference.map((pair) => pair.rejected)]);
  const prefers = policy.filter((pair) => pair.chosen > pair.rejected).length;
  return { loss: tally.loss, ...tally.metrics(), pairs: policy.length, beta, policyPrefersChosen: policy.length > 0 ? prefers / policy.length : NaN };
}
