// The report panel's HTML, kept free of vscode imports so the browser screenshot test loads exactly this page.
// Strict CSP: nothing by default, the script only by nonce, styles/fonts/images only from the webview's resources.
import { randomBytes } from 'node:crypto';

export interface ReportHtmlOptions {
  /** The bundle's URL as the webview sees it (webview.asWebviewUri of dist/webviews/report.js). */
  scriptUri: string;
  styleUri: string;
  /** webview.cspSource: the origin the webview's local resources are served from. */
  cspSource: string;
  nonce: string;
  title: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function reportHtml(options: ReportHtmlOptions): string {
  const { scriptUri, styleUri, cspSource, nonce } = options;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<main id="app" data-state="loading"></main>
<script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>`;
}
