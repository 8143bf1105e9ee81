// The Preview CodeLens: a dataset and the tiny model are put in the workspace (the base model in settings), the
// "Preview" lens above a record is clicked, and a diff editor opens with the record's expected response on the left
// and the text the model generated, streamed by the engine worker, on the right.
import { prepareTinyWorkspace } from './tiny-workspace.mjs';
import { openFile, waitUntil } from './workbench.mjs';

const DATASET = 'preview.jsonl';
const EXPECTED = 'The capital of France is Paris.';
const records = [
  { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: EXPECTED }] },
  { messages: [{ role: 'user', content: 'What color is the sky?' }, { role: 'assistant', content: 'Blue, on a clear day.' }] },
];


const sideText = (page, side) => page.locator(`.monaco-diff-editor .editor.${side} .view-lines`).first().innerText().catch(() => '');
/** The preview reports its end in the status bar: `Fine-Tune: N tokens (reason) on device`. */
const finished = (page) => page.locator('.statusbar-item', { hasText: /Fine-Tune: \d+ tokens/ }).first().isVisible().catch(() => false);

export const scenario = {
  name: 'click the Preview CodeLens on a record: diff of expected and generated',
  requires: 'finetune.previewExample',
  async run({ page, userDataDir, workspace, shoot }) {
    // Greedy and short: the screenshot shows a finished reply within seconds on the CPU.
    // Side by side even in a narrow editor, so each side's text is its own document's.
    prepareTinyWorkspace(workspace, DATASET, records, { 'finetune.preview.maxNewTokens': 24, 'finetune.preview.temperature': 0, 'diffEditor.renderSideBySide': true, 'diffEditor.useInlineViewWhenSpaceIsLimited': false });
    await page.keyboard.press('Escape');
    // Quick open's file index can lag behind a file written a moment ago; the explorer shows it sooner.
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: DATASET }).first();
    if (await row.waitFor({ timeout: 15_000 }).then(() => true, () => false)) {
      await row.click();
      await page.locator(`.tab.active[data-resource-name="${DATASET}"]`).first().waitFor({ timeout: 30_000 });
    } else {
      await openFile(page, DATASET);
    }
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Preview' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();

    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 60_000 });
    await waitUntil('the expected response on the left', async () => (await sideText(page, 'original')).includes('Paris'), { userDataDir, timeoutMs: 30_000 });
    await waitUntil('the preview to finish (status bar)', () => finished(page), { userDataDir, timeoutMs: 120_000 });
    // The tiny model is random: any non-empty text on the right is the generated reply; it is not the expected one.
    const generated = await waitUntil('generated text on the right', async () => {
      const text = (await sideText(page, 'modified')).trim();
      return text.length > 0 && text;
    }, { userDataDir, timeoutMs: 30_000 });
    if (generated.includes(EXPECTED)) throw new Error(`the right side shows the expected response, not a generated one: ${generated}`);
    await shoot('preview-diff');
  },
};
