// The dataset report webview in headless Chromium: the panel's real HTML (same CSP, nonce), the real bundle, and a
// real report computed by the dataset service. VS Code's part is stubbed only where a browser has none:
// acquireVsCodeApi and the theme variables. Saves screenshots under out/screenshots/ for a human to look at.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createNonce, reportHtml } from '../../extension/src/report/html';
import { createDatasetDocument, settingsForFile } from '../../datasets/src';
import type { DatasetReport } from '../../contracts/src/dataset-types';
import type { HostToWebview, WebviewToHost } from '../../contracts/src/webview/report-messages';

const ROOT = path.resolve(__dirname, '../..');
const ORIGIN = 'https://webview.test';
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.join(ROOT, 'out/screenshots');

// A few of VS Code's Dark Modern / Light Modern theme colours, which VS Code injects into every webview.
const THEMES = {
  dark: {
    'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', foreground: '#cccccc', 'editor-background': '#1f1f1f',
    'sideBar-background': '#181818', descriptionForeground: '#9d9d9d', 'panel-border': '#2b2b2b', 'textLink-foreground': '#4daafc',
    errorForeground: '#f85149', 'editorWarning-foreground': '#cca700', 'editorInfo-foreground': '#3794ff', 'charts-blue': '#3794ff',
    'charts-orange': '#d18616', 'textCodeBlock-background': '#2b2b2b', 'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc',
    'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'editorWidget-background': '#202020', 'focusBorder': '#0078d4',
  },
  light: {
    'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', foreground: '#3b3b3b', 'editor-background': '#ffffff',
    'sideBar-background': '#f8f8f8', descriptionForeground: '#717171', 'panel-border': '#e5e5e5', 'textLink-foreground': '#005fb8',
    errorForeground: '#f85149', 'editorWarning-foreground': '#bf8803', 'editorInfo-foreground': '#1a85ff', 'charts-blue': '#1a85ff',
    'charts-orange': '#d18616', 'textCodeBlock-background': '#f2f2f2', 'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
    'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'editorWidget-background': '#f8f8f8', 'focusBorder': '#005fb8',
  },
};

let browser: Browser | undefined;
let bundleDir = '';
let report: DatasetReport;
let fileName = '';

/** The report the language server would compute for a file: its workspace config file applies. */
function computeReport(file: string, text: string): DatasetReport {
  return createDatasetDocument(pathToFileURL(file).toString(), text, settingsForFile(file).settings).report();
}

/** The dataset from examples/ with the most findings, so every section of the report has something to show. */
function exampleDataset(): { file: string; text: string } {
  const directory = path.join(ROOT, 'examples');
  const files = existsSync(directory) ? readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl')) : [];
  assert.ok(files.length > 0, 'examples/ holds at least one .jsonl dataset');
  const scored = files.map((f) => {
    const file = path.join(directory, f);
    const text = readFileSync(file, 'utf8');
    const computed = computeReport(file, text);
    return { file, text, score: computed.topDuplicates.length * 100 + Object.keys(computed.findingsByRule).length * 10 + Object.keys(computed.formats).length };
  });
  scored.sort((a, b) => b.score - a.score);
  return scored[0];
}

before(async () => {
  const dataset = exampleDataset();
  fileName = path.basename(dataset.file);
  report = computeReport(dataset.file, dataset.text);
  bundleDir = mkdtempSync(path.join(os.tmpdir(), 'finetune-report-'));
  // The same bundling as scripts/build.mjs does for webviews, so the test never runs a stale dist/.
  await build({ entryPoints: [path.join(ROOT, 'webviews/src/report/main.ts')], outfile: path.join(bundleDir, 'report.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'error' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

interface Harness {
  page: Page;
  posted: () => Promise<WebviewToHost[]>;
  problems: string[];
}

async function openPanel(theme: keyof typeof THEMES, state?: unknown): Promise<Harness> {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  const nonce = createNonce();
  const themeCss = `html { ${Object.entries(THEMES[theme]).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ')} }`;
  const html = reportHtml({ scriptUri: `${ORIGIN}/report.js`, styleUri: `${ORIGIN}/report.css`, cspSource: ORIGIN, nonce, title: 'Dataset report' })
    // VS Code adds its theme variables and the body's theme class; here a stylesheet from the webview origin does.
    .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n<link rel="stylesheet"`)
    .replace('<body>', `<body class="vscode-${theme}">`);
  const files: Record<string, { body: string | Buffer; contentType: string }> = {
    '/index.html': { body: html, contentType: 'text/html' },
    '/theme.css': { body: themeCss, contentType: 'text/css' },
    '/report.js': { body: readFileSync(path.join(bundleDir, 'report.js')), contentType: 'text/javascript' },
    '/report.css': { body: readFileSync(path.join(bundleDir, 'report.css')), contentType: 'text/css' },
  };
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ status: 200, contentType: file.contentType, body: file.body }) : route.fulfill({ status: 404, body: '' });
  });
  // Anything else (a remote font, a CDN) would be a bug: the CSP must have blocked it, and we fail the test.
  await page.route((url) => !url.toString().startsWith(ORIGIN), (route) => {
    problems.push(`unexpected request: ${route.request().url()}`);
    return route.abort();
  });
  // A string, not a function: the test runner's transpiler decorates functions with helpers the page lacks.
  await page.addInitScript({
    content: `
      window.__posted = [];
      window.__state = ${JSON.stringify(state ?? null)} ?? undefined;
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => window.__csp.push(event.violatedDirective + ' ' + event.blockedURI));
      window.acquireVsCodeApi = () => ({
        postMessage: (message) => window.__posted.push(message),
        getState: () => window.__state,
        setState: (next) => { window.__state = next; },
      });`,
  });
  page.setDefaultTimeout(10_000);
  await page.goto(`${ORIGIN}/index.html`);
  return {
    page,
    problems,
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted),
  };
}

async function post(page: Page, message: HostToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

test('the report panel renders every section of a real report under its strict CSP', async () => {
  const { page, posted, problems } = await openPanel('dark');
  await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
  await post(page, { type: 'loading', fileName });
  await page.waitForSelector('main[data-state="loading"]');
  await post(page, { type: 'report', fileName, report });
  await page.waitForSelector('main[data-state="report"]');
  await page.waitForSelector('#token-chart canvas');

  assert.equal(await page.locator('h1').textContent(), fileName);
  assert.equal(await page.locator('#stats .stat').count(), 5);
  assert.equal(await page.locator('[data-stat="records"] .stat-value').textContent(), String(report.records));
  const formats = Object.entries(report.formats).filter(([, n]) => (n ?? 0) > 0);
  assert.equal(await page.locator('#format-mix .mix-row').count(), formats.length);
  const rules = Object.keys(report.findingsByRule);
  assert.ok(rules.length > 0, 'the example dataset has findings');
  assert.equal(await page.locator('#findings vscode-table-row').count(), rules.length);
  for (const rule of rules) assert.equal(await page.locator(`#findings vscode-table-row[data-rule="${rule}"]`).count(), 1);
  // The histogram drew bars: some canvas pixel differs from the background.
  const painted = await page.locator('#token-chart canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
    return opaque;
  });
  assert.ok(painted > 500, `the token histogram painted ${painted} pixels`);
  // vscode-elements rendered (their shadow roots exist), i.e. Lit's styles were not blocked by the CSP.
  assert.ok(await page.locator('#findings-table').evaluate((table) => table.shadowRoot !== null));

  // State survives a hide/show: the webview stored the report.
  const state = await page.evaluate(() => (window as unknown as { __state: { report: { records: number } } }).__state);
  assert.equal(state.report.records, report.records);

  // Clicking a duplicate asks the host to reveal that line.
  assert.ok(report.topDuplicates.length > 0, 'the example dataset has duplicates');
  const group = report.topDuplicates[0];
  assert.equal(await page.locator('.duplicate').count(), report.topDuplicates.length);
  const link = page.locator('.duplicate').first().locator('.duplicate-line').nth(1);
  await link.click();
  const reveal = (await posted()).filter((m) => m.type === 'revealLine');
  assert.deepEqual(reveal, [{ type: 'revealLine', line: group.lines[1] }]);
  await page.locator('#refresh').click();
  assert.ok((await posted()).some((m) => m.type === 'refresh'));

  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'report-dark.png'), fullPage: true });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a reloaded panel paints the stored report before the host answers, shows errors and empty datasets (light theme)', async () => {
  const { page, problems } = await openPanel('light', { fileName, report });
  await page.waitForSelector('main[data-state="report"]');
  assert.equal(await page.locator('[data-stat="records"] .stat-value').textContent(), String(report.records));
  await post(page, { type: 'error', fileName, message: 'The language server is not running.' });
  await page.waitForSelector('main[data-state="error"] [role="alert"]');
  // An empty dataset paints too (no records, no buckets, no findings).
  const empty = computeReport(path.join(bundleDir, 'empty.jsonl'), '');
  await post(page, { type: 'report', fileName: 'empty.jsonl', report: empty });
  await page.waitForSelector('main[data-state="report"] h1:text("empty.jsonl")');
  assert.equal(await page.locator('[data-stat="records"] .stat-value').textContent(), '0');
  await post(page, { type: 'report', fileName, report });
  await page.waitForSelector(`main[data-state="report"] h1:text("${fileName}")`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'report-light.png'), fullPage: true });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the panel HTML allows only nonce scripts and webview-origin styles', () => {
  const html = reportHtml({ scriptUri: `${ORIGIN}/r.js`, styleUri: `${ORIGIN}/r.css`, cspSource: ORIGIN, nonce: 'abc123', title: '<t>' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.match(csp, new RegExp(`style-src ${ORIGIN}(;|$)`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!webview\.test)/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/webview\.test\/r\.js"><\/script>/);
  assert.doesNotMatch(html, /<t>/);
  assert.notEqual(createNonce(), createNonce());
});

test('preference data gets the preference card: pairs, each side\'s length, and the length bias in warning tone', async () => {
  // 40 pairs whose chosen answers are all much longer than the rejected ones: the length-bias finding fires
  const file = path.join(bundleDir, 'pairs.jsonl');
  const text = Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `Question ${i}: what is ${i} + ${i}?`, chosen: `The answer is ${2 * i}, because adding ${i} to itself doubles it, as worked out step by step here.`, rejected: `${2 * i + 1}.` })).join('\n') + '\n';
  const pairs = computeReport(file, text);
  assert.ok(pairs.preference, 'the service reports the pairs');
  assert.ok((pairs.findingsByRule['preference-length-bias']?.count ?? 0) > 0, 'the length bias is found');
  const { page, problems } = await openPanel('dark');
  await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
  await post(page, { type: 'report', fileName: 'pairs.jsonl', report: pairs });
  await page.waitForSelector('main[data-state="report"]');
  const card = page.locator('section#preference');
  assert.equal(await card.locator('h2').textContent(), 'Preference pairs');
  assert.equal(await card.locator('[data-stat="pairs"] .stat-value').textContent(), '40');
  const chosen = Number((await card.locator('[data-stat="chosen, mean characters"] .stat-value').textContent())!.replace(/,/g, ''));
  const rejected = Number((await card.locator('[data-stat="rejected, mean characters"] .stat-value').textContent())!.replace(/,/g, ''));
  assert.ok(chosen > 5 * rejected, `chosen ${chosen} vs rejected ${rejected} characters`);
  assert.equal(await card.locator('[data-stat="chosen is the longer"] .stat-value').textContent(), '100%');
  assert.match((await card.locator('[data-stat="chosen is the longer"]').getAttribute('class'))!, /tone-warning/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'report-preference.png'), fullPage: true });

  // chat data has no preference card
  await post(page, { type: 'report', fileName, report });
  await page.waitForFunction(() => !document.querySelector('section#preference'));
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});
