// The dashboard's non-chart parts: header status, progress bar, key figures, failure box, samples and configuration.
// Plain DOM with textContent only (no innerHTML: run names and samples are user data).
import type { SampleEvent } from '../../../contracts/src/run/run-events';
import { formatDuration } from '../../../contracts/src/format-duration';
import { formatLoss, type RunSnapshot } from '../../../contracts/src/run/run-snapshot';
import { formatAccuracy, formatReward } from '../../../contracts/src/run/run-objective';
import type { Objective } from '../../../contracts/src/training-arguments';
import type { DashboardFailure, DashboardRun, DashboardRunStatus } from '../../../contracts/src/webview/dashboard-messages';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const statusLabels: Record<DashboardRunStatus, string> = { running: 'Running', done: 'Done', cancelled: 'Cancelled', error: 'Failed' };

export function renderHeader(run: DashboardRun, status: DashboardRunStatus): void {
  byId('run-name').textContent = run.name;
  const badge = byId('run-status');
  badge.textContent = statusLabels[status];
  badge.dataset.status = status;
  document.body.dataset.status = status;
  // Stop only while running; resume only for a run that stopped early with a checkpoint to continue from.
  byId('stop').toggleAttribute('disabled', status !== 'running');
  byId('resume').toggleAttribute('disabled', status === 'running' || status === 'done');
  byId('export').toggleAttribute('disabled', status === 'running');
}

/**
 * The key figures. A preference run (dpo, or any run whose steps carry preference metrics) names its loss "DPO loss"
 * and adds the last step's rewards (chosen, rejected) and reward accuracy; an sft run's tiles are unchanged.
 */
export function renderFigures(snapshot: RunSnapshot, status: DashboardRunStatus, objective: Objective = 'sft'): void {
  const progress = byId<HTMLElement & { value?: number; max: number; indeterminate: boolean }>('progress');
  const total = snapshot.totalSteps;
  if (total) {
    progress.max = total;
    progress.value = snapshot.step;
    progress.indeterminate = false;
  } else {
    progress.indeterminate = status === 'running';
  }
  progress.hidden = status !== 'running' && !total;
  const eta = status === 'running' && snapshot.etaMs !== undefined ? formatDuration(snapshot.etaMs, 'units') : '–';
  const preference = snapshot.preference;
  const dpo = objective === 'dpo' || preference !== undefined;
  const figures: [string, string, string][] = [
    ['step', 'Step', total ? `${snapshot.step} / ${total}` : String(snapshot.step)],
    ['loss', dpo ? 'DPO loss' : 'Loss', formatLoss(snapshot.loss)],
    ['eval-loss', dpo ? 'Eval DPO loss' : 'Eval loss', formatLoss(snapshot.evalLoss)],
    ...(preference
      ? ([
          ['rewards-chosen', 'Reward chosen', formatReward(preference.rewardsChosen)],
          ['rewards-rejected', 'Reward rejected', formatReward(preference.rewardsRejected)],
          ['accuracy', 'Reward accuracy', formatAccuracy(preference.accuracy)],
        ] as [string, string, string][])
      : []),
    ['lr', 'Learning rate', snapshot.lr === undefined ? '–' : snapshot.lr.toExponential(2)],
    ['tokens-per-second', 'Tokens/s', snapshot.tokensPerSecond === undefined ? '–' : snapshot.tokensPerSecond.toFixed(0)],
    ['elapsed', 'Elapsed', formatDuration(snapshot.elapsedMs, 'units')],
    ['eta', 'ETA', eta],
    ['device', 'Device', snapshot.device ?? '–'],
    ['memory', 'Memory', formatBytes(snapshot.memoryBytes)],
  ];
  const list = byId('figures');
  list.replaceChildren(
    ...figures.map(([key, label, value]) => {
      const item = document.createElement('div');
      item.className = 'figure';
      item.dataset.figure = key;
      const term = document.createElement('dt');
      term.textContent = label;
      const definition = document.createElement('dd');
      definition.textContent = value;
      // The device card names the device; the full line (why a GPU was skipped) would not fit, so it is the tooltip.
      if (key === 'device' && snapshot.deviceDescription) item.title = snapshot.deviceDescription;
      item.append(term, definition);
      return item;
    }),
  );
}

export function renderFailure(failure: DashboardFailure | undefined): void {
  const box = byId('failure');
  box.hidden = !failure;
  byId('failure-message').textContent = failure?.message ?? '';
  byId('failure-log').textContent = failure?.logTail.join('\n') ?? '';
  byId('failure-log').hidden = !failure || failure.logTail.length === 0;
}

/** Adds samples newest first. */
export function appendSamples(samples: SampleEvent[]): void {
  const list = byId('samples');
  for (const sample of samples) {
    const item = document.createElement('article');
    item.className = 'sample';
    const heading = document.createElement('h4');
    heading.textContent = `Step ${sample.step}`;
    const prompt = document.createElement('pre');
    prompt.className = 'prompt';
    prompt.textContent = sample.prompt;
    const completion = document.createElement('pre');
    completion.className = 'completion';
    completion.textContent = sample.completion;
    item.append(heading, prompt, completion);
    list.prepend(item);
  }
}

export function clearSamples(): void {
  byId('samples').replaceChildren();
}

export function renderConfig(run: DashboardRun): void {
  const rows = Object.entries({ ...run.config, ...prefixed(run.resolved) }).map(([key, value]) => {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = key;
    const cell = document.createElement('td');
    cell.textContent = typeof value === 'string' ? value : JSON.stringify(value);
    row.append(name, cell);
    return row;
  });
  byId('config').replaceChildren(...rows);
}

// Resolved values are shown after the arguments, marked so they are not mistaken for settings to edit.
function prefixed(resolved: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resolved).map(([key, value]) => [`resolved.${key}`, value]));
}
