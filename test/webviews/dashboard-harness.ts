// Loads the training dashboard webview in Debian's headless Chromium the way VS Code would: the real bundle, the
// real page with its CSP, a stubbed acquireVsCodeApi that records what the page posts, and VS Code's theme variables.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createNonce, dashboardHtml } from '../../webviews/src/dashboard/html';
import type { DashboardToHost, DashboardViewState, HostToDashboard } from '../../contracts/src/webview/dashboard-messages';

export const chromiumPath = '/usr/bin/chromium';
export const screenshotDir = path.join('out', 'screenshots');

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

// The handful of theme variables the dashboard and vscode-elements read, with VS Code's default theme values.
const themes: Record<ThemeKind, { bodyClass: string; variables: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    variables: {
      '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171',
      '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90', '--vscode-errorForeground': '#e51400', '--vscode-panel-border': '#e5e5e5',
      '--vscode-widget-border': '#e5e5e5', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b', '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-textCodeBlock-background': '#f2f2f2', '--vscode-progressBar-background': '#005fb8',
      '--vscode-sideBarSectionHeader-background': '#f8f8f8', '--vscode-sideBarSectionHeader-foreground': '#3b3b3b',
      '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    variables: {
      '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7', '--vscode-charts-red': '#f14c4c', '--vscode-errorForeground': '#f85149', '--vscode-panel-border': '#2b2b2b',
      '--vscode-widget-border': '#313131', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8', '--vscode-sideBar-background': '#181818',
      '--vscode-textCodeBlock-background': '#2b2b2b', '--vscode-progressBar-background': '#0078d4',
      '--vscode-sideBarSectionHeader-background': '#181818', '--vscode-sideBarSectionHeader-foreground': '#cccccc',
      '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    variables: {
      '--vscode-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-descriptionForeground': '#ffffff',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7', '--vscode-errorForeground': '#f48771', '--vscode-panel-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df', '--vscode-contrastBorder': '#6fc3df', '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff', '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
      '--vscode-sideBar-background': '#000000', '--vscode-textCodeBlock-background': '#000000', '--vscode-progressBar-background': '#6fc3df',
      '--vscode-sideBarSectionHeader-background': '#000000', '--vscode-sideBarSectionHeader-foreground': '#ffffff', '--vscode-sideBarSectionHeader-border': '#6fc3df',
      '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace',
    },
  },
};

export function themeVariables(theme: ThemeKind): Record<string, string> {
  return themes[theme].variables;
}

/** Bundles the dashboard as scripts/build.mjs does, into a temp folder with its HTML page. */
export async function buildDashboardPage(): Promise<{ dir: string; url: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-webview-'));
  await build({ entryPoints: ['webviews/src/dashboard/main.ts'], outfile: path.join(dir, 'dashboard.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
  const html = dashboardHtml({ scriptUri: 'dashboard.js', styleUri: 'dashboard.css', cspSource: 'file:', nonce: createNonce() });
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  return { dir, url: pathToFileURL(path.join(dir, 'index.html')).href };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface DashboardPage {
  page: Page;
  posted(): Promise<DashboardToHost[]>;
  savedState(): Promise<DashboardViewState | undefined>;
  send(message: HostToDashboard): Promise<void>;
  cspViolations(): Promise<string[]>;
  errors: string[];
}

/** Opens the page with a theme and (optionally) a view state VS Code would hand back after hiding the panel. */
export async function openDashboard(browser: Browser, url: string, theme: ThemeKind, state?: DashboardViewState): Promise<DashboardPage> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  const { bodyClass, variables } = themes[theme];
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.addInitScript({ content: stubScript(bodyClass, variables, state) });
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('vscode-button') !== undefined);
  return {
    page,
    errors,
    posted: () => page.evaluate(() => (window as unknown as { __posted: DashboardToHost[] }).__posted),
    savedState: () => page.evaluate(() => (window as unknown as { __state: DashboardViewState | undefined }).__state),
    send: (message) => page.evaluate((data) => window.postMessage(data, '*'), message),
    cspViolations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  };
}

// What VS Code provides to a webview before its scripts run: acquireVsCodeApi (recording what the page posts and
// keeping its state), theme variables as inline style on <html> (CSSOM, allowed by the CSP) and a theme class on
// <body>. An init script runs before either element exists, so the theme is applied as the parser creates them.
function stubScript(bodyClass: string, variables: Record<string, string>, state: DashboardViewState | undefined): string {
  return `(() => {
    const variables = ${JSON.stringify(variables)};
    window.__posted = [];
    window.__state = ${JSON.stringify(state ?? null)} ?? undefined;
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
    function applyTheme(observer) {
      if (document.documentElement && !document.documentElement.style.getPropertyValue('--vscode-foreground')) {
        for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
      }
      if (document.body) {
        document.body.classList.add(${JSON.stringify(bodyClass)});
        observer.disconnect();
      }
    }
    new MutationObserver((_, observer) => applyTheme(observer)).observe(document, { childList: true, subtree: true });
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.__posted.push(message),
      getState: () => window.__state,
      setState: (value) => { window.__state = value; },
    });
  })();`;
}

/** Waits until the page has painted: the dashboard redraws charts on the next animation frame. */
export function settle(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Counts canvas pixels close to a colour in a chart (how much of a curve is drawn) and the rightmost one's x (0–1). */
/** Pixels of a colour in a chart's canvas, and the leftmost and rightmost of them as fractions of its width. */
export function curvePixels(page: Page, chartLabel: string, hex: string): Promise<{ count: number; left: number; right: number }> {
  return page.evaluate(
    ({ chartLabel, hex }) => {
      const canvas = document.querySelector(`section[aria-label="${chartLabel}"] canvas`) as HTMLCanvasElement | null;
      if (!canvas) return { count: -1, left: 1, right: 0 };
      const context = canvas.getContext('2d');
      if (!context) return { count: -1, left: 1, right: 0 };
      const target = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      let left = 1;
      let right = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        const distance = Math.abs(pixels[index] - target[0]) + Math.abs(pixels[index + 1] - target[1]) + Math.abs(pixels[index + 2] - target[2]);
        if (pixels[index + 3] > 200 && distance < 60) {
          count++;
          const x = ((index / 4) % canvas.width) / canvas.width;
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
      return { count, left, right };
    },
    { chartLabel, hex },
  );
}
