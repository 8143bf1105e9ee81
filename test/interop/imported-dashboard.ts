// The dashboard page shown an imported run folder as the extension's panel shows it (its run.json and metrics.jsonl
// parsed), in Chromium, for the interop tests' checks of what a user sees after `finetune import-run`.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseRunEventLine } from '../../contracts/src/run/run-event-check';
import { snapshotOf } from '../../contracts/src/run/run-snapshot';
import type { DashboardRun } from '../../contracts/src/webview/dashboard-messages';
import { buildDashboardPage, chromiumPath, launchChromium, openDashboard, screenshotDir, settle } from '../webviews/dashboard-harness';

/** node:test's `skip` for the dashboard checks. */
export const dashboardSkip = existsSync(chromiumPath) ? false : `${chromiumPath} is not installed`;

/** Opens the dashboard on the imported run in `runDir`, runs `check` on the page, then saves `screenshot`. */
export async function onImportedRunDashboard(runDir: string, options: { name: string; totalSteps: number; screenshot: string }, check: (page: Page) => Promise<void>): Promise<void> {
  if (!existsSync(join(runDir, 'run.json'))) throw new Error(`${runDir} has no run.json: this check runs after the import test`);
  const info = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { config: Record<string, unknown>; resolved: Record<string, unknown> };
  const file = join(runDir, 'metrics.jsonl');
  const events = readFileSync(file, 'utf8').split('\n').flatMap((line, index) => parseRunEventLine(line, `${file}:${index + 1}`) ?? []);
  const run: DashboardRun = { name: options.name, runDir, status: 'done', config: info.config, resolved: info.resolved };
  const page = await buildDashboardPage();
  const browser = await launchChromium();
  try {
    const dashboard = await openDashboard(browser, page.url, 'dark');
    await dashboard.send({ type: 'init', run, events, snapshot: Object.assign(snapshotOf(events), { totalSteps: options.totalSteps }) });
    await settle(dashboard.page);
    await check(dashboard.page);
    mkdirSync(screenshotDir, { recursive: true });
    await dashboard.page.screenshot({ path: join(screenshotDir, options.screenshot), fullPage: true });
  } finally {
    await browser.close();
    rmSync(page.dir, { recursive: true, force: true });
  }
}
