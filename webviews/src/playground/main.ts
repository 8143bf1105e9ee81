// Playground webview: chat with the base model or a run's adapter. Settings on the left (model, system prompt,
// temperature, top-p, max tokens, stop strings), the conversation on the right, replies streamed from the engine
// worker through the panel host. The whole conversation is view state, so a hidden panel or a reload keeps it.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './playground.css';
import { DEFAULT_PLAYGROUND_SETTINGS, type HostToPlayground, type PlaygroundModel, type PlaygroundSettings, type PlaygroundToHost, type PlaygroundTurn, type PlaygroundViewState } from '../../../contracts/src/webview/playground-messages';

interface VsCodeApi {
  postMessage(message: PlaygroundToHost): void;
  getState(): PlaygroundViewState | undefined;
  setState(state: PlaygroundViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type ValueElement = HTMLElement & { value: string; disabled: boolean };
const vscode = acquireVsCodeApi();
const element = <T extends HTMLElement = ValueElement>(id: string) => document.getElementById(id) as T;
const modelSelect = element('model');
const systemInput = element('system');
const temperatureInput = element('temperature');
const topPInput = element('top-p');
const maxTokensInput = element('max-tokens');
const stopInput = element('stop');
const draftInput = element('draft');
const sendButton = element('send');
const stopButton = element('stop-button');
const copyButton = element('copy');
const clearButton = element('clear');
const transcript = element<HTMLElement>('transcript');
const statusLine = element<HTMLElement>('status');
const settingsError = element<HTMLElement>('settings-error');

const saved = vscode.getState();
const state: PlaygroundViewState = {
  modelId: saved?.modelId,
  system: saved?.system ?? '',
  turns: saved?.turns ?? [],
  settings: { ...DEFAULT_PLAYGROUND_SETTINGS, ...saved?.settings },
  draft: saved?.draft ?? '',
};
let pending: { id: string; message: HTMLElement; text: string } | undefined;
let requestCount = 0;

function save(): void {
  vscode.setState(state);
}

function messageElement(turn: PlaygroundTurn): HTMLElement {
  const message = document.createElement('div');
  message.className = `message ${turn.role}`;
  message.dataset.role = turn.role;
  const role = document.createElement('span');
  role.className = 'role';
  role.textContent = turn.role === 'user' ? 'You' : 'Assistant';
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = turn.content;
  message.append(role, text);
  return message;
}

function renderTranscript(): void {
  transcript.replaceChildren(...state.turns.map(messageElement));
  if (state.turns.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = 'Send a message to chat with the model.';
    transcript.append(empty);
  }
  updateButtons();
}

function updateButtons(): void {
  const generating = pending !== undefined;
  sendButton.disabled = generating || !modelSelect.value;
  stopButton.disabled = !generating;
  copyButton.disabled = generating || state.turns.length < 2 || state.turns[state.turns.length - 1].role !== 'assistant';
  clearButton.disabled = generating;
}

function renderModels(models: PlaygroundModel[], selected: string | undefined): void {
  modelSelect.replaceChildren(
    ...models.map((model) => {
      const option = document.createElement('vscode-option') as HTMLElement & { value: string; description: string };
      option.value = model.id;
      option.description = model.description;
      option.textContent = model.label;
      return option;
    }),
  );
  const choice = models.find((model) => model.id === state.modelId) ?? models.find((model) => model.id === selected) ?? models[0];
  // The select upgrades its options asynchronously: set the value once they are in.
  requestAnimationFrame(() => {
    modelSelect.value = choice?.id ?? '';
    state.modelId = choice?.id;
    updateButtons();
  });
  if (models.length === 0) statusLine.textContent = 'No model: set "finetune.baseModel" or finish a training run.';
}

/** The settings from the form, or the reason they are not valid. */
function readSettings(): PlaygroundSettings | string {
  const temperature = Number(temperatureInput.value);
  const topP = Number(topPInput.value);
  const maxNewTokens = Number(maxTokensInput.value);
  if (!(temperature >= 0)) return 'Temperature must be a number of at least 0.';
  if (!(topP > 0 && topP <= 1)) return 'Top-p must be above 0 and at most 1.';
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) return 'Max new tokens must be a whole number of at least 1.';
  const stop = stopInput.value.split('\n').filter((line) => line.length > 0);
  return { temperature, topP, maxNewTokens, stop };
}

function onSettingsChange(): void {
  const settings = readSettings();
  settingsError.hidden = typeof settings !== 'string';
  if (typeof settings === 'string') {
    settingsError.textContent = settings;
    return;
  }
  state.settings = settings;
  state.system = systemInput.value;
  save();
}

function send(): void {
  const content = draftInput.value.trim();
  const settings = readSettings();
  if (pending || !content || !modelSelect.value) return;
  if (typeof settings === 'string') return onSettingsChange();
  state.turns.push({ role: 'user', content });
  state.draft = '';
  draftInput.value = '';
  renderTranscript();
  const id = `p${Date.now()}-${++requestCount}`;
  const message = messageElement({ role: 'assistant', content: '' });
  message.classList.add('streaming');
  transcript.append(message);
  pending = { id, message, text: '' };
  statusLine.textContent = 'Starting…';
  updateButtons();
  save();
  vscode.postMessage({ type: 'send', id, modelId: modelSelect.value, system: systemInput.value, turns: state.turns, settings });
}

function finish(id: string, status: string, failed = false): void {
  if (!pending || pending.id !== id) return;
  pending.message.classList.remove('streaming');
  if (failed) pending.message.classList.add('failed');
  else state.turns.push({ role: 'assistant', content: pending.text });
  pending = undefined;
  statusLine.textContent = status;
  if (failed) renderTranscript();
  updateButtons();
  save();
}

window.addEventListener('message', (event: MessageEvent<HostToPlayground>) => {
  const data = event.data;
  switch (data.type) {
    case 'models':
      renderModels(data.models, data.selected);
      break;
    case 'started':
      if (pending?.id === data.id) statusLine.textContent = `Generating on ${data.deviceDescription.replace(/^device: /, '')}…`;
      break;
    case 'delta':
      if (pending?.id !== data.id) break;
      pending.text += data.text;
      (pending.message.querySelector('.text') as HTMLElement).textContent = pending.text;
      transcript.scrollTop = transcript.scrollHeight;
      break;
    case 'done':
      finish(data.id, `${data.generatedTokens} tokens · ${data.tokensPerSecond.toFixed(1)} tokens/s · ${data.device} · ${data.finishReason}`);
      break;
    case 'failed':
      finish(data.id, data.message, true);
      break;
    case 'copied':
      statusLine.textContent = `Added as line ${data.line} of ${data.file}`;
      break;
    case 'copyFailed':
      statusLine.textContent = data.message;
      break;
  }
});

systemInput.value = state.system;
temperatureInput.value = String(state.settings.temperature);
topPInput.value = String(state.settings.topP);
maxTokensInput.value = String(state.settings.maxNewTokens);
stopInput.value = state.settings.stop.join('\n');
draftInput.value = state.draft;
for (const input of [systemInput, temperatureInput, topPInput, maxTokensInput, stopInput]) input.addEventListener('input', onSettingsChange);
draftInput.addEventListener('input', () => {
  state.draft = draftInput.value;
  save();
});
draftInput.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    send();
  }
});
modelSelect.addEventListener('change', () => {
  state.modelId = modelSelect.value;
  save();
  updateButtons();
  vscode.postMessage({ type: 'selectModel', modelId: modelSelect.value });
});
sendButton.addEventListener('click', send);
stopButton.addEventListener('click', () => pending && vscode.postMessage({ type: 'stop', id: pending.id }));
copyButton.addEventListener('click', () => vscode.postMessage({ type: 'copyToDataset', system: state.system, turns: state.turns }));
clearButton.addEventListener('click', () => {
  state.turns = [];
  statusLine.textContent = '';
  renderTranscript();
  save();
});
renderTranscript();
vscode.postMessage({ type: 'ready' });
