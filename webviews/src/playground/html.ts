// The playground's HTML page, built by the panel host and by the browser test (with file URLs), in the shared shell.
import { webviewPage, type WebviewPageOptions } from '../shared/page';

export { createNonce } from '../shared/page';
export type PlaygroundPageOptions = WebviewPageOptions;

export function playgroundHtml(options: PlaygroundPageOptions): string {
  return webviewPage({ ...options, title: 'Playground', body: BODY });
}

const BODY = `<div class="layout">
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
</div>`;
