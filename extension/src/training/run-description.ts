// What the Runs view and the status bar say about a run, as plain text (no vscode import, so it is unit-tested). A
// preference (dpo) run's loss is the DPO loss — it starts at ln 2 ≈ 0.693 whatever the data — so it is named so
// wherever a number stands next to it, and its reward accuracy is shown beside it; an sft run reads as before.
import { formatDuration } from '../../../contracts/src/format-duration';
import { formatAccuracy, formatReward, lossName, objectiveOf } from '../../../contracts/src/run/run-objective';
import { formatLoss, type RunSnapshot } from '../../../contracts/src/run/run-snapshot';
import { statusWord, type RunStatus } from '../../../contracts/src/run/run-status';

export interface DescribedRun {
  status: RunStatus;
  snapshot: RunSnapshot;
  /** run.json `config`: the resolved training arguments. */
  config: Record<string, unknown>;
}

/** The Runs view's one-line description: "done · step 60/60 · DPO loss 0.3180 · eval 0.3806 · acc 88%". */
export function describeRun(run: DescribedRun): string {
  const { snapshot } = run;
  const objective = objectiveOf(run.config);
  const steps = snapshot.totalSteps ? `${snapshot.step}/${snapshot.totalSteps}` : `${snapshot.step}`;
  const parts = [statusWord(run.status), `step ${steps}`, `${lossName(objective)} ${formatLoss(snapshot.loss)}`];
  if (snapshot.bestEvalLoss !== undefined) parts.push(`eval ${formatLoss(snapshot.bestEvalLoss)}`);
  if (objective === 'dpo' && snapshot.preference?.accuracy !== undefined) parts.push(`acc ${formatAccuracy(snapshot.preference.accuracy)}`);
  return parts.join(' · ');
}

/** The Runs view's tooltip table: [label, value] rows. */
export function describeRunRows(run: DescribedRun): [string, string][] {
  const { snapshot, config } = run;
  const objective = objectiveOf(config);
  const dpo = objective === 'dpo';
  const preference = snapshot.preference;
  return [
    ['Status', statusWord(run.status)],
    ['Method', String(config.method ?? '–')],
    ...(dpo ? [['Objective', `DPO (β ${typeof config.beta === 'number' ? config.beta : '–'})`] as [string, string]] : []),
    ['Model', String(config.model ?? '–')],
    ['Data', String(config.data ?? '–')],
    ['Steps', snapshot.totalSteps ? `${snapshot.step} / ${snapshot.totalSteps}` : String(snapshot.step)],
    [dpo ? 'Last DPO loss' : 'Last loss', formatLoss(snapshot.loss)],
    [dpo ? 'Best eval DPO loss' : 'Best eval loss', formatLoss(snapshot.bestEvalLoss)],
    ...(dpo
      ? ([
          ['Rewards chosen / rejected', `${formatReward(preference?.rewardsChosen)} / ${formatReward(preference?.rewardsRejected)}`],
          ['Reward margin', formatReward(preference?.margin)],
          ['Reward accuracy', formatAccuracy(preference?.accuracy)],
        ] as [string, string][])
      : []),
    ['Duration', formatDuration(snapshot.elapsedMs, 'units')],
    ['Tokens/s', snapshot.tokensPerSecond?.toFixed(0) ?? '–'],
    ['Device', snapshot.device ?? '–'],
  ];
}

/** The loss's name from the events alone (the status bar has no run.json at hand): dpo steps carry preference metrics. */
export function snapshotLossName(snapshot: RunSnapshot): string {
  return lossName(snapshot.preference ? 'dpo' : 'sft');
}
