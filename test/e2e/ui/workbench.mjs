// Playwright steps against the code-server workbench, each named after what a user does: open a file through
// Quick Open, run a command from the palette, open Problems, hover a line. Selectors are VS Code's own DOM classes.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const SQUIGGLES = '.view-overlays [class*="squiggly-"]';

/** Opens the workbench on `folder` and waits until the explorer and the remote extension host are up. */
export async function openWorkbench(page, serverUrl, folder) {
  await page.goto(`${serverUrl}/?${new URLSearchParams({ folder })}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 120_000 });
}

/**
 * Opens Quick Open by clicking the title bar's command center (a click works wherever the focus is, even inside a
 * webview, where Ctrl+P and F1 would go to the iframe), then types `text`.
 */
async function quickInput(page, text) {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('Escape');
  await page.locator('.command-center .command-center-center').first().click();
  await input.waitFor();
  await input.fill(text);
  return input;
}

/**
 * Opens a file at the workspace root from the Explorer, as a user would (Quick Open's file index lags behind files
 * created after the workbench opened); other files through Quick Open. Waits for its editor tab to be active.
 */
export async function openFile(page, fileName) {
  await page.keyboard.press('Escape');
  // the Explorer may be hidden behind another view
  await page.keyboard.press('Control+Shift+E');
  const exactName = new RegExp(`^${fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const explorerRow = page
    .locator('.explorer-folders-view .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exactName }) })
    .first();
  const shown = (timeout) => explorerRow.waitFor({ timeout }).then(() => true, () => false);
  let inExplorer = await shown(5_000);
  if (!inExplorer) {
    // a file written a moment ago appears once the file watcher reports it, which a loaded machine can take tens of
    // seconds to do (and Quick Open's index longer): have the Explorer read the folder again
    await runCommand(page, 'Refresh Explorer');
    inExplorer = await shown(20_000);
  }
  if (inExplorer) {
    await explorerRow.dblclick();
  } else {
    await quickInput(page, fileName);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
  }
  await page.locator(`.tab.active[data-resource-name="${fileName}"], .tab.active[aria-label^="${fileName}"]`).first().waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** The command palette: type the command's label, pick its row. */
export async function runCommand(page, label) {
  await quickInput(page, `>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Toggles the Problems panel open (Ctrl+Shift+M) and returns the locator of its rows. */
export async function openProblems(page) {
  if (!(await page.locator('.markers-panel').isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor();
  return page.locator('.markers-panel .monaco-list-row');
}

export function squiggles(page) {
  return page.locator(SQUIGGLES);
}

/** The text of the editor's line `lineNumber` (1-based), as rendered. */
export function editorLine(page, lineNumber) {
  return page.locator('.editor-instance .monaco-editor .view-line').nth(lineNumber - 1);
}

/** Moves the mouse over a rendered line until a hover widget with content appears; returns its locator. */
export async function hoverLine(page, lineNumber, { x = 60 } = {}) {
  const line = editorLine(page, lineNumber);
  await line.waitFor();
  const box = await line.boundingBox();
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-editor-hover:not(.hidden) .hover-contents').first();
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.mouse.move(box.x + x + attempt * 7, box.y + box.height / 2);
    try {
      await hover.waitFor({ state: 'visible', timeout: 4000 });
      return hover;
    } catch {
      await page.mouse.move(0, 0);
    }
  }
  throw new Error(`no hover appeared over line ${lineNumber}`);
}

/**
 * The extension's own error log lines ("Fine-Tune" output channel, a log file of the extension host): a scenario
 * that waits for the extension to do something fails fast, with the reason, once the extension logged an error.
 */
export function extensionErrors(userDataDir) {
  const logsRoot = join(userDataDir, 'logs');
  if (!existsSync(logsRoot)) return [];
  const errors = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/Fine-Tune\.log$/.test(entry.name)) errors.push(...readFileSync(path, 'utf8').split('\n').filter((line) => /\[error\]/.test(line)));
    }
  };
  walk(logsRoot);
  return errors;
}

/** Polls `probe` until it returns a truthy value; fails early with the extension's logged errors, if any. */
export async function waitUntil(what, probe, { userDataDir, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value) return value;
    if (userDataDir) {
      const errors = extensionErrors(userDataDir);
      if (errors.length > 0) throw new Error(`while waiting for ${what}, the extension logged errors:\n${errors.join('\n')}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
