// The one HTML shell of every webview panel (report, dashboard, playground), used by the panel hosts and by the
// browser tests alike. Strict CSP: nothing by default, the script only by nonce, styles, fonts and images only
// from the extension's own files (webview.cspSource).

export interface WebviewPageOptions {
  /** The bundle's URL as the webview sees it (webview.asWebviewUri of dist/webviews/<panel>.js). */
  scriptUri: string;
  /** dist/webviews/<panel>.css, likewise. */
  styleUri: string;
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  nonce: string;
}

export interface WebviewPage extends WebviewPageOptions {
  title: string;
  /** The body's markup, trusted (written by the panel's own code, never from data). */
  body: string;
}

/** 32 random alphanumerics; crypto.getRandomValues exists in browsers and in Node ≥ 19. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Escapes text for element content and double-quoted attributes (single quotes stay: the CSP needs them). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `img-src ${cspSource} data:`, `style-src ${cspSource}`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
}

export function webviewPage(page: WebviewPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
<script nonce="${page.nonce}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}
