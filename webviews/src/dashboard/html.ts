// The dashboard's HTML page, built by the panel host (and by the browser tests, with file URLs). Strict CSP:
// nothing by default, the script by nonce, styles and fonts only from the extension's own files.
export interface DashboardPageOptions {
  /** URI of dist/webviews/dashboard.js as the webview may load it (webview.asWebviewUri). */
  scriptUri: string;
  /** URI of dist/webviews/dashboard.css. */
  styleUri: string;
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  nonce: string;
}

export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function dashboardHtml(options: DashboardPageOptions): string {
  const { cspSource, nonce } = options;
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.styleUri)}">
<title>Training dashboard</title>
</head>
<body>
<header class="header">
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
<main id="charts" class="charts"></main>
<vscode-collapsible id="samples-section" heading="Samples at eval steps">
  <div id="samples" class="samples"></div>
</vscode-collapsible>
<vscode-collapsible id="config-section" heading="Configuration">
  <table id="config" class="config"></table>
</vscode-collapsible>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}
