// Training from the command palette: a clean dataset and the tiny model are put in the workspace, "Fine-Tune: Start
// Training…" is answered step by step (dataset, model, method, steps), the dashboard opens and its loss curve moves
// as steps stream in, then its Stop button ends the run as cancelled.
import { answer, prepareTinyWorkspace } from './tiny-workspace.mjs';
import { openFile, runCommand, waitUntil } from './workbench.mjs';

const DATASET = 'train-clean.jsonl';
const facts = [
  ['What is the capital of France?', 'Paris.'],
  ['What color is the sky?', 'Blue.'],
  ['How many legs does a cat have?', 'Four.'],
  ['What do bees make?', 'Honey.'],
  ['What is ice made of?', 'Water.'],
  ['Which animal barks?', 'A dog.'],
];

/** The content frame of the (last opened) webview: VS Code nests it as iframe.webview > iframe#active-frame. */
function webviewContent(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}



const stepShown = async (dashboard) => Number(((await dashboard.locator('[data-figure="step"] dd').textContent().catch(() => '')) ?? '').split('/')[0].trim()) || 0;

export const scenario = {
  name: 'start training from the command palette, watch the curve, stop',
  requires: 'finetune.startTraining',
  async run({ page, userDataDir, workspace, shoot }) {
    prepareTinyWorkspace(workspace, DATASET, facts.map(([user, assistant]) => ({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] })));
    await page.keyboard.press('Escape');
    await openFile(page, DATASET);
    // the settings file was written a moment ago, and the model picker offers its base model only once VS Code has
    // read it: the status bar's model item then names the base model
    await page.locator('.statusbar-item', { hasText: 'Base model' }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Fine-Tune: Start Training…');
    await answer(page, 'dataset', ''); // the active editor's dataset is first
    await answer(page, 'base model', '');
    await answer(page, 'method', 'lora');
    await answer(page, 'settings', 'Steps');
    await answer(page, 'Optimizer steps', '100000'); // long enough to be stopped by hand
    await answer(page, 'settings', 'Start training');

    const dashboard = webviewContent(page);
    await waitUntil('the dashboard to show a first step', async () => (await stepShown(dashboard)) > 0, { userDataDir, timeoutMs: 120_000 });
    const canvas = dashboard.locator('section[aria-label="Loss"] canvas').first();
    const firstStep = await stepShown(dashboard);
    const firstPicture = await canvas.evaluate((element) => element.toDataURL());
    await waitUntil('the loss curve to move', async () => (await stepShown(dashboard)) > firstStep + 5 && (await canvas.evaluate((element) => element.toDataURL())) !== firstPicture, { userDataDir, timeoutMs: 60_000 });
    await shoot('training-running');

    await dashboard.locator('#stop').click();
    await waitUntil('the run to end cancelled', async () => (await dashboard.locator('#run-status').getAttribute('data-status').catch(() => null)) === 'cancelled', { userDataDir, timeoutMs: 60_000 });
    await shoot('training-stopped');
  },
};
