// The dashboard's HTML page, built by the panel host (and by the browser tests, with file URLs), in the shared shell.
import { webviewPage, type WebviewPageOptions } from '../shared/page';

export { createNonce } from '../shared/page';
export type DashboardPageOptions = WebviewPageOptions;

export function dashboardHtml(options: DashboardPageOptions): string {
  return webviewPage({ ...options, title: 'Training dashboard', body: BODY });
}

const BODY = `<header class="header">
  <div class="title">
    <h1 id="run-name">Training run</h1>
    <span id="run-status" class="status" role="status"></span>
  </div>
  <div class="actions">
    <vscode-button id="stop" data-action="stop">Stop</vscode-button>
    <vscode-button id="resume" data-action="resume" secondary>Resume</vscode-button>
    <vscode-button id="open-folder" data-action="openFolder" secondary>Open Run Folder</vscode-button>
    <vscode-button id="export" data-action="export" secondary>Export</vscode-button>
  </div>
</header>
<div id="failure" class="failure" hidden>
  <p id="failure-message"></p>
  <pre id="failure-log"></pre>
</div>
<vscode-progress-bar id="progress" max="1"></vscode-progress-bar>
<dl id="figures" class="figures"></dl>
<div class="chart-tools">
  <vscode-button id="step-axis" secondary aria-pressed="false" title="The step axis spans the steps so far; show the planned total instead">Show Whole Run</vscode-button>
</div>
<main id="charts" class="charts"></main>
<vscode-collapsible id="samples-section" heading="Samples at eval steps">
  <div id="samples" class="samples"></div>
</vscode-collapsible>
<vscode-collapsible id="config-section" heading="Configuration">
  <table id="config" class="config"></table>
</vscode-collapsible>`;
