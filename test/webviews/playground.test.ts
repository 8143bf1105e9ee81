// The playground webview in headless Chromium, loaded as VS Code would (real bundle, real page and CSP, stubbed
// acquireVsCodeApi, theme variables): sending posts the conversation and settings, streamed deltas build the reply,
// the device shows, bad settings are refused in place, copy-to-dataset posts the exchange, and the conversation
// survives a reload through the view state. Screenshots in three themes go to out/screenshots/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { createNonce, playgroundHtml } from '../../webviews/src/playground/html';
import type { HostToPlayground, PlaygroundToHost, PlaygroundViewState } from '../../contracts/src/webview/playground-messages';
import { launchChromium, screenshotDir, themeVariables, type ThemeKind } from './dashboard-harness';

let browser: Browser;
let dir: string;
let url: string;
const models = [
  { id: 'base', label: 'Base model', description: 'tiny-llama' },
  { id: 'run:/runs/lora-1', label: 'lora-1', description: 'LoRA adapter on tiny-llama' },
];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-webview-'));
  await build({ entryPoints: ['webviews/src/playground/main.ts'], outfile: path.join(dir, 'playground.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
  fs.writeFileSync(path.join(dir, 'index.html'), playgroundHtml({ scriptUri: 'playground.js', styleUri: 'playground.css', cspSource: 'file:', nonce: createNonce() }));
  url = pathToFileURL(path.join(dir, 'index.html')).href;
  browser = await launchChromium();
  fs.mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Form-control colours of VS Code's default themes (the shared harness lists the dashboard's variables only).
const inputVariables: Record<ThemeKind, Record<string, string>> = {
  light: { background: '#ffffff', foreground: '#3b3b3b', border: '#cecece', placeholder: '#767676', focus: '#005fb8' },
  dark: { background: '#313131', foreground: '#cccccc', border: '#3c3c3c', placeholder: '#989898', focus: '#0078d4' },
  'high-contrast': { background: '#000000', foreground: '#ffffff', border: '#6fc3df', placeholder: '#ffffff', focus: '#f38518' },
};

function pageVariables(theme: ThemeKind): Record<string, string> {
  const input = inputVariables[theme];
  return {
    ...themeVariables(theme),
    '--vscode-settings-textInputBackground': input.background, '--vscode-settings-textInputForeground': input.foreground,
    '--vscode-settings-textInputBorder': input.border, '--vscode-settings-dropdownBackground': input.background,
    '--vscode-settings-dropdownForeground': input.foreground, '--vscode-settings-dropdownBorder': input.border,
    '--vscode-input-placeholderForeground': input.placeholder, '--vscode-focusBorder': input.focus,
  };
}

// What VS Code gives a webview before its scripts run (a string: tsx would wrap a function in helpers the page lacks).
function stub(theme: ThemeKind, state: PlaygroundViewState | undefined): string {
  return `(() => {
    const variables = ${JSON.stringify(pageVariables(theme))};
    window.__posted = []; window.__violations = [];
    window.__state = ${JSON.stringify(state ?? null)} ?? undefined;
    document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
    new MutationObserver((_, observer) => {
      if (document.documentElement && !document.documentElement.style.getPropertyValue('--vscode-foreground')) {
        for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
      }
      if (document.body) { document.body.classList.add('vscode-${theme}'); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
  })();`;
}

interface Playground {
  page: Page;
  errors: string[];
  posted(): Promise<PlaygroundToHost[]>;
  state(): Promise<PlaygroundViewState | undefined>;
  send(message: HostToPlayground): Promise<void>;
  violations(): Promise<string[]>;
}

async function open(theme: ThemeKind, state?: PlaygroundViewState): Promise<Playground> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.addInitScript({ content: stub(theme, state) });
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('vscode-textarea') !== undefined);
  const playground: Playground = {
    page,
    errors,
    posted: () => page.evaluate(() => (window as unknown as { __posted: PlaygroundToHost[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: PlaygroundViewState | undefined }).__state),
    send: (message) => page.evaluate((data) => window.postMessage(data, '*'), message),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  };
  await playground.send({ type: 'models', models, selected: 'run:/runs/lora-1' });
  await page.waitForFunction(() => (document.getElementById('model') as HTMLElement & { value: string }).value !== '');
  return playground;
}

async function type(page: Page, id: string, text: string): Promise<void> {
  await page.locator(`#${id} textarea, #${id} input`).first().fill(text);
}

test('a message is sent with the settings, the reply streams in, and the exchange can be copied', async () => {
  const playground = await open('dark');
  const { page } = playground;
  assert.deepEqual((await playground.posted())[0], { type: 'ready' });
  await type(page, 'system', 'Answer briefly.');
  await type(page, 'max-tokens', '64');
  await type(page, 'draft', 'What is the capital of France?');
  await page.locator('#send').click();
  const sent = (await playground.posted()).find((message) => message.type === 'send');
  assert.ok(sent && sent.type === 'send');
  assert.equal(sent.modelId, 'run:/runs/lora-1');
  assert.equal(sent.system, 'Answer briefly.');
  assert.deepEqual(sent.turns, [{ role: 'user', content: 'What is the capital of France?' }]);
  assert.equal(sent.settings.maxNewTokens, 64);
  assert.equal(await page.locator('#send').evaluate((button) => (button as HTMLElement & { disabled: boolean }).disabled), true);

  await page.locator('#stop-button').click();
  assert.deepEqual((await playground.posted()).at(-1), { type: 'stop', id: sent.id });

  await playground.send({ type: 'started', id: sent.id, deviceDescription: 'device: cpu' });
  assert.match(await page.locator('#status').innerText(), /cpu/);
  await playground.send({ type: 'delta', id: sent.id, text: 'Paris' });
  await playground.send({ type: 'delta', id: sent.id, text: ' is the capital.' });
  await playground.send({ type: 'delta', id: 'someone-else', text: 'IGNORED' });
  await playground.send({ type: 'done', id: sent.id, finishReason: 'stop-token', generatedTokens: 6, tokensPerSecond: 42.5, device: 'cpu' });
  const replies = await page.locator('.message.assistant .text').allInnerTexts();
  assert.deepEqual(replies, ['Paris is the capital.']);
  assert.match(await page.locator('#status').innerText(), /6 tokens/);
  const state = await playground.state();
  assert.deepEqual(state?.turns, [
    { role: 'user', content: 'What is the capital of France?' },
    { role: 'assistant', content: 'Paris is the capital.' },
  ]);
  assert.equal(state?.system, 'Answer briefly.');

  await page.locator('#copy').click();
  const copy = (await playground.posted()).at(-1);
  assert.deepEqual(copy, { type: 'copyToDataset', system: 'Answer briefly.', turns: state?.turns });
  await playground.send({ type: 'copied', file: 'train.jsonl', line: 12 });
  assert.match(await page.locator('#status').innerText(), /12/);
  await page.screenshot({ path: path.join(screenshotDir, 'playground-dark.png') });
  assert.deepEqual(await playground.violations(), []);
  assert.deepEqual(playground.errors, []);
  await page.close();
});

test('invalid settings are refused in place; a failed reply is marked and not kept', async () => {
  const playground = await open('light');
  const { page } = playground;
  await type(page, 'top-p', '1.5');
  assert.equal(await page.locator('#settings-error').isVisible(), true);
  await type(page, 'draft', 'Hello?');
  await page.locator('#send').click();
  assert.equal((await playground.posted()).some((message) => message.type === 'send'), false);
  await type(page, 'top-p', '0.9');
  assert.equal(await page.locator('#settings-error').isVisible(), false);
  await page.locator('#send').click();
  const sent = (await playground.posted()).find((message) => message.type === 'send');
  assert.ok(sent && sent.type === 'send');
  assert.equal(sent.settings.topP, 0.9);
  await playground.send({ type: 'failed', id: sent.id, message: 'the model folder has no tokenizer.json' });
  assert.match(await page.locator('#status').innerText(), /tokenizer/);
  assert.deepEqual((await playground.state())?.turns, [{ role: 'user', content: 'Hello?' }]);
  assert.equal(await page.locator('#send').evaluate((button) => (button as HTMLElement & { disabled: boolean }).disabled), false);
  await page.screenshot({ path: path.join(screenshotDir, 'playground-light.png') });
  assert.deepEqual(playground.errors, []);
  await page.close();
});

test('the conversation and settings come back from the saved view state', async () => {
  const state: PlaygroundViewState = {
    modelId: 'base',
    system: 'You are terse.',
    turns: [
      { role: 'user', content: 'Name a fruit.' },
      { role: 'assistant', content: 'An apple.' },
      { role: 'user', content: 'Another one?' },
      { role: 'assistant', content: 'A pear.' },
    ],
    settings: { temperature: 0.2, topP: 0.8, maxNewTokens: 32, stop: ['###'] },
    draft: 'And a vegetable?',
  };
  const playground = await open('high-contrast', state);
  const { page } = playground;
  assert.deepEqual(await page.locator('.message .text').allInnerTexts(), ['Name a fruit.', 'An apple.', 'Another one?', 'A pear.']);
  assert.equal(await page.locator('#model').evaluate((select) => (select as HTMLElement & { value: string }).value), 'base');
  assert.equal(await page.locator('#temperature').evaluate((field) => (field as HTMLElement & { value: string }).value), '0.2');
  assert.equal(await page.locator('#stop').evaluate((field) => (field as HTMLElement & { value: string }).value), '###');
  assert.equal(await page.locator('#draft').evaluate((field) => (field as HTMLElement & { value: string }).value), 'And a vegetable?');
  await page.screenshot({ path: path.join(screenshotDir, 'playground-high-contrast.png') });
  assert.deepEqual(await playground.violations(), []);
  assert.deepEqual(playground.errors, []);
  await page.close();
});
