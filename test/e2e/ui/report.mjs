// The dataset report webview: opened from the command palette, rendered inside its iframe with the stats, the
// format mix and the findings per rule of the seeded dataset.
import { DATASET_NAME, EXPECTED_PROBLEMS } from './dataset.mjs';
import { openFile, runCommand, waitUntil } from './workbench.mjs';

/** The content frame of the (last opened) webview: VS Code nests it as iframe.webview > iframe#active-frame. */
function webviewContent(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

export const scenario = {
  name: 'dataset report webview',
  async run({ page, userDataDir, shoot }) {
    await page.keyboard.press('Escape');
    await openFile(page, DATASET_NAME);
    await runCommand(page, 'Fine-Tune: Show Dataset Report');
    const report = webviewContent(page);
    await waitUntil('the report to render', async () => (await report.locator('#stats').count().catch(() => 0)) > 0, { userDataDir, timeoutMs: 60_000 });
    await report.locator('#format-mix [data-format="messages"]').waitFor({ timeout: 15_000 });
    for (const rule of Object.keys(EXPECTED_PROBLEMS)) {
      await report.locator(`#findings [data-rule="${rule}"]`).waitFor({ timeout: 15_000 });
    }
    await report.locator('#token-chart canvas, #token-chart svg').first().waitFor({ timeout: 15_000 });
    // Room for the report: hide the panel area (Problems), then let the chart finish its first paint.
    await runCommand(page, 'View: Hide Panel');
    await page.waitForTimeout(500);
    await shoot('report');
    if (!(await report.locator('#stats').isVisible())) throw new Error('the report is not visible in the screenshot');
  },
};
