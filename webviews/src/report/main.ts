// The dataset report webview: paints the report the host posts, keeps it in the webview state so a re-shown panel
// paints at once, and asks the host to reveal lines. Built to dist/webviews/report.js (+ report.css).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import './report.css';
import type { Histogram } from './histogram';
import type { HostToWebview, ReportViewState, WebviewToHost } from '../../../contracts/src/webview/report-messages';
import { el, renderReport } from './render';
import { watchTheme } from './theme';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): ReportViewState | undefined;
  setState(state: ReportViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;
let charts: Histogram[] = [];
let state: ReportViewState | undefined = vscode.getState();

const actions = {
  revealLine: (line: number) => vscode.postMessage({ type: 'revealLine', line }),
  refresh: () => vscode.postMessage({ type: 'refresh' }),
};

function clearCharts(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
}

function paint(): void {
  clearCharts();
  if (state?.report) charts = renderReport(root, state.fileName, state.report, actions);
  root.setAttribute('data-state', state?.report ? 'report' : 'loading');
}

function showMessage(kind: 'loading' | 'error', fileName: string, text: string): void {
  clearCharts();
  root.setAttribute('data-state', kind);
  root.replaceChildren(
    el('header', {}, el('div', {}, el('h1', {}, fileName), el('div', { class: 'subtitle' }, 'Dataset report'))),
    el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, kind === 'loading' ? el('vscode-progress-ring', {}) : null, el('span', {}, text)),
  );
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'loading':
      // Keep showing the last report while a fresh one is computed.
      if (!state?.report || state.fileName !== message.fileName) showMessage('loading', message.fileName, 'Computing the report…');
      break;
    case 'report':
      state = { fileName: message.fileName, report: message.report };
      vscode.setState(state);
      paint();
      break;
    case 'error':
      showMessage('error', message.fileName, message.message);
      break;
  }
});

let resizeFrame = 0;
window.addEventListener('resize', () => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    for (const chart of charts) chart.resize();
  });
});
// Canvas colours come from the theme variables: repaint when the theme changes.
watchTheme(paint);

if (state?.report) paint();
vscode.postMessage({ type: 'ready' });
