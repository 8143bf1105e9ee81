// Debian's Chromium driven by playwright-core (no browser download): opens the code-server workbench, either to run
// extension integration tests (payload + codeAutomationExit) or for UI scenarios.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.FINETUNE_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium; chromium's own process tree is stopped by browser.close(). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Built-in extensions reach for the marketplace and GitHub: that network noise is not a test failure. */
export function isHarmlessNoise(text) {
  return /ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|marketplace|gallery|github|ENOTFOUND|EAI_AGAIN|Failed to fetch|net::ERR_/i.test(text);
}

/** The workbench URL for a folder, with an optional smoke-test payload ([name, value] pairs). */
export function workbenchUrl(serverUrl, folder, payload) {
  const params = new URLSearchParams({ folder });
  if (payload) params.set('payload', JSON.stringify(payload));
  return `${serverUrl}/?${params}`;
}

/** A file path as the workbench's remote extension host sees it: authority is the literal word `remote`. */
export function remoteUri(absolutePath) {
  return `vscode-remote://remote${absolutePath}`;
}

/**
 * Runs an extension tests module (exports `run()`) in the real extension host. Resolves to
 * { code, logs, console }: code 0 when run() resolved, 1 when it threw.
 */
export async function runExtensionTests({ browser, serverUrl, folder, extensionDevelopmentPath, extensionTestsPath, timeoutMs = 300_000 }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (message) => {
    const text = message.text();
    consoleLines.push(text);
    if (!isHarmlessNoise(text) && process.env.FINETUNE_E2E_VERBOSE) console.log(`  [browser] ${text}`);
  });
  try {
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code, logs) => finish({ code, logs }));
    const payload = [['extensionTestsPath', remoteUri(extensionTestsPath)]];
    if (extensionDevelopmentPath) payload.unshift(['extensionDevelopmentPath', remoteUri(extensionDevelopmentPath)]);
    await page.goto(workbenchUrl(serverUrl, folder, payload), { waitUntil: 'domcontentloaded', timeout: 120_000 });
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve({ code: 'timeout', logs: [] }), timeoutMs)));
    const result = await Promise.race([finished, timeout]);
    clearTimeout(timer);
    return { ...result, console: consoleLines };
  } finally {
    await context.close();
  }
}
