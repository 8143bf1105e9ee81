// TRL's sigmoid DPO loss (Rafailov et al. 2023) in the step graph, and its logged metrics. For a pair, with each
// side's completion log-probability under the policy (π) and the reference model (ref):
//   z = β · ((log π(chosen) − log ref(chosen)) − (log π(rejected) − log ref(rejected))),   loss = −log σ(z)
// averaged over pairs. With the policy equal to the reference (LoRA's B = 0, step 1) z = 0 and the loss is ln 2.
import { softplus } from '../autodiff';
import { ops, type Value } from '../graph';
import type { PreferenceMetrics } from '../../../contracts/src/run/run-events';

/** `policy` and `reference` are [2·pairs] completion log-probs, chosen rows first; returns the mean loss (scalar). */
export function dpoLoss(policy: Value, reference: Value, beta: number): Value {
  const graph = policy.graph;
  const sides = ops.reshapeTo(ops.sub(policy, reference), graph.int64s([2, -1]), [2, 'pairs']); // [chosen, rejected] × pairs
  const chosen = ops.gather(sides, graph.scalar(0, 'int64'), 0);
  const rejected = ops.gather(sides, graph.scalar(1, 'int64'), 0);
  return ops.reduceMean(softplus(ops.mul(ops.sub(rejected, chosen), beta)));
}

/** Per pair: rewards β·(log π − log ref) of both sides and the pair's loss; sums, so micro-batches add up. */
export class PreferenceTally {
  private pairs = 0;
  private lossSum = 0;
  private chosenSum = 0;
  private rejectedSum = 0;
  private correct = 0;

  constructor(private readonly beta: number) {}

  /** Adds a batch's pairs from its rows' policy and reference log-probs (chosen rows first). */
  add(policy: ArrayLike<number>, reference: ArrayLike<number>): void {
    const pairs = policy.length / 2;
    for (let pair = 0; pair < pairs; pair++) {
      const chosen = this.beta * (policy[pair] - reference[pair]);
      const rejected = this.beta * (policy[pairs + pair] - reference[pairs + pair]);
      const z = chosen - rejected;
      this.lossSum += Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z))); // −log σ(z), stable
      this.chosenSum += chosen;
      this.rejectedSum += rejected;
      if (chosen > rejected) this.correct++;
    }
    this.pairs += pairs;
  }

  /** Mean DPO loss over the pairs added. */
  get loss(): number {
    return this.pairs > 0 ? this.lossSum / this.pairs : NaN;
  }

  metrics(): Required<PreferenceMetrics> {
    const mean = (sum: number) => (this.pairs > 0 ? sum / this.pairs : NaN);
    return { rewardsChosen: mean(this.chosenSum), rewardsRejected: mean(this.rejectedSum), margin: mean(this.chosenSum - this.rejectedSum), accuracy: mean(this.correct) };
  }
}
