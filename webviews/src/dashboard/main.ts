// Training dashboard webview: live curves and figures of one run, fed by typed messages from its panel host.
// On load it says `ready`; the host answers with the whole state (`init`), then streams `events` and `status`.
// Being hidden destroys the page; VS Code keeps the small view state (setState), and `ready` brings the data back.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import './dashboard.css';
import type { SampleEvent } from '../../../contracts/src/run/run-events';
import { objectiveOf } from '../../../contracts/src/run/run-objective';
import type { Objective } from '../../../contracts/src/training-arguments';
import { Charts, RunSeries } from './charts';
import type { DashboardRun, DashboardRunStatus, DashboardToHost, DashboardViewState, HostToDashboard } from '../../../contracts/src/webview/dashboard-messages';
import { appendSamples, clearSamples, renderConfig, renderFailure, renderFigures, renderHeader } from './view';

interface VsCodeApi {
  postMessage(message: DashboardToHost): void;
  getState(): DashboardViewState | undefined;
  setState(state: DashboardViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let series = new RunSeries();
const charts = new Charts(document.getElementById('charts') as HTMLElement, series);
let run: DashboardRun | undefined;
let status: DashboardRunStatus = 'running';

const samplesSection = document.getElementById('samples-section') as HTMLElement & { open: boolean };
const configSection = document.getElementById('config-section') as HTMLElement & { open: boolean };
const saved = vscode.getState();
samplesSection.open = saved?.samplesOpen ?? true;
configSection.open = saved?.configOpen ?? false;
const stepAxis = document.getElementById('step-axis') as HTMLElement;
let wholeRun = saved?.wholeRun ?? false;

function saveState(): void {
  if (run) vscode.setState({ runDir: run.runDir, samplesOpen: samplesSection.open, configOpen: configSection.open, wholeRun });
}

function showWholeRun(on: boolean): void {
  wholeRun = on;
  charts.showWholeRun(on);
  stepAxis.textContent = on ? 'Fit to Steps So Far' : 'Show Whole Run';
  stepAxis.title = on ? 'The step axis spans the planned total; fit it to the steps so far instead' : 'The step axis spans the steps so far; show the planned total instead';
  stepAxis.setAttribute('aria-pressed', String(on));
}
showWholeRun(wholeRun);
stepAxis.addEventListener('click', () => {
  showWholeRun(!wholeRun);
  saveState();
});

/** dpo when run.json says so, or when the steps carry preference metrics (a run.json without `objective`). */
function objective(): Objective {
  return objectiveOf(run?.config) === 'dpo' || series.hasPreference ? 'dpo' : 'sft';
}

function addEvents(events: HostToDashboard & { type: 'init' | 'events' }): void {
  const samples: SampleEvent[] = [];
  let changed = false;
  for (const event of events.events) {
    if (event.type === 'sample') samples.push(event);
    else changed = series.add(event) || changed;
  }
  if (samples.length > 0) appendSamples(samples);
  if (changed) {
    charts.setObjective(objective());
    charts.scheduleRedraw();
  }
}

window.addEventListener('message', (message: MessageEvent<HostToDashboard>) => {
  const data = message.data;
  switch (data.type) {
    case 'init':
      run = data.run;
      status = data.run.status;
      series = new RunSeries();
      charts.replaceSeries(series);
      charts.setObjective(objective());
      clearSamples();
      addEvents(data);
      renderHeader(run, status);
      renderConfig(run);
      renderFigures(data.snapshot, status, objective());
      renderFailure(data.failure);
      charts.setTotalSteps(data.snapshot.totalSteps);
      saveState();
      break;
    case 'events':
      addEvents(data);
      renderFigures(data.snapshot, status, objective());
      charts.setTotalSteps(data.snapshot.totalSteps);
      break;
    case 'compare': {
      let overlay: RunSeries | undefined;
      if (data.events) {
        overlay = new RunSeries();
        for (const event of data.events) overlay.add(event);
      }
      charts.compareWith(overlay && data.name ? { name: data.name, series: overlay } : undefined);
      break;
    }
    case 'status':
      status = data.status;
      if (run) renderHeader(run, status);
      renderFigures(data.snapshot, status, objective());
      renderFailure(data.failure);
      break;
  }
});

document.querySelector('.actions')?.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!button || button.hasAttribute('disabled')) return;
  vscode.postMessage({ type: button.dataset.action as 'stop' | 'resume' | 'openFolder' | 'export' });
});

for (const section of [samplesSection, configSection]) section.addEventListener('vsc-collapsible-toggle', saveState);

// VS Code swaps the body's theme class (vscode-light, vscode-dark, vscode-high-contrast…) when the theme changes.
new MutationObserver(() => charts.rebuild()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

vscode.postMessage({ type: 'ready' });
