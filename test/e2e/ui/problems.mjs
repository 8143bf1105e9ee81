// Smoke scenario: open the seeded dataset → squiggles in the editor and one Problems row per expected rule.
import { DATASET_NAME, EXPECTED_PROBLEMS } from './dataset.mjs';
import { openFile, openProblems, squiggles, waitUntil } from './workbench.mjs';

export const scenario = {
  name: 'open a dataset: squiggles and Problems rows',
  async run({ page, userDataDir, shoot }) {
    await openFile(page, DATASET_NAME);
    await waitUntil('squiggles in the dataset editor', async () => (await squiggles(page).count()) > 0, { userDataDir, timeoutMs: 90_000 });
    const rows = await openProblems(page);
    // A Problems row renders message, source, code and "[Ln L, Col C]" as separate lines of text.
    const missing = await waitUntil(
      'a Problems row per expected rule',
      async () => {
        const rowLines = (await rows.allInnerTexts()).map((text) => text.split('\n'));
        const absent = Object.entries(EXPECTED_PROBLEMS).filter(
          ([rule, line]) => !rowLines.some((parts) => parts.includes('finetune') && parts.includes(rule) && parts.some((p) => p.startsWith(`[Ln ${line},`))),
        );
        return absent.length === 0 ? [] : null;
      },
      { userDataDir, timeoutMs: 30_000 },
    ).catch(async (error) => {
      throw new Error(`${error.message}; rows: ${JSON.stringify(await rows.allInnerTexts())}`);
    });
    if (missing.length) throw new Error(`missing Problems rows: ${missing}`);
    const path = await shoot('problems');
    // The screenshot itself must show the elements: the editor's squiggles and the Problems rows are on screen.
    if (!(await squiggles(page).first().isVisible()) || !(await rows.first().isVisible())) throw new Error(`squiggles or Problems rows not visible in ${path}`);
  },
};
