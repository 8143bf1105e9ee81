// The playground's HTML page, built by the panel host and by the browser test (with file URLs). Strict CSP: nothing
// by default, the script by nonce, styles and fonts only from the extension's own files.
export interface PlaygroundPageOptions {
  scriptUri: string;
  styleUri: string;
  cspSource: string;
  nonce: string;
}

export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function playgroundHtml(options: PlaygroundPageOptions): string {
  const { cspSource, nonce } = options;
  const csp = ["default-src 'none'", `style-src ${cspSource} 'nonce-${nonce}'`, `font-src ${cspSource}`, `img-src ${cspSource} data:`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.styleUri)}">
<title>Playground</title>
</head>
<body>
<div class="layout">
  <aside class="settings" aria-label="Generation settings">
    <label for="model">Model</label>
    <vscode-single-select id="model" aria-label="Model"></vscode-single-select>
    <label for="system">System prompt</label>
    <vscode-textarea id="system" rows="4" resize="vertical" placeholder="Optional instructions for the assistant"></vscode-textarea>
    <div class="row">
      <div><label for="temperature">Temperature</label><vscode-textfield id="temperature" type="number" min="0" step="0.01"></vscode-textfield></div>
      <div><label for="top-p">Top-p</label><vscode-textfield id="top-p" type="number" min="0" max="1" step="0.01"></vscode-textfield></div>
    </div>
    <label for="max-tokens">Max new tokens</label>
    <vscode-textfield id="max-tokens" type="number" min="1" step="1"></vscode-textfield>
    <label for="stop">Stop strings (one per line)</label>
    <vscode-textarea id="stop" rows="2" resize="vertical"></vscode-textarea>
    <p id="settings-error" class="error" role="alert" hidden></p>
  </aside>
  <main class="chat">
    <div id="transcript" class="transcript" aria-live="polite"><p id="empty" class="empty">Send a message to chat with the model.</p></div>
    <div id="status" class="status" role="status"></div>
    <div class="composer">
      <vscode-textarea id="draft" rows="3" resize="vertical" placeholder="Message (Ctrl+Enter to send)"></vscode-textarea>
      <div class="actions">
        <vscode-button id="send">Send</vscode-button>
        <vscode-button id="stop-button" secondary disabled>Stop</vscode-button>
        <vscode-button id="copy" secondary disabled title="Append this exchange to the dataset, in the file's format">Copy to Dataset</vscode-button>
        <vscode-button id="clear" secondary>Clear</vscode-button>
      </div>
    </div>
  </main>
</div>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}
