// Hover a record → the server's hover with its token counts.
import { CLEAN_LINE, DATASET_NAME } from './dataset.mjs';
import { hoverLine, openFile } from './workbench.mjs';

export const scenario = {
  name: 'hover a record: token counts',
  async run({ page, shoot }) {
    await openFile(page, DATASET_NAME);
    const hover = await hoverLine(page, CLEAN_LINE, { x: 120 });
    const text = await hover.innerText();
    // Token counts are numbers: at least prompt, response and total.
    const numbers = text.match(/\d+/g) ?? [];
    if (numbers.length < 3) throw new Error(`the hover shows fewer than three numbers: ${JSON.stringify(text)}`);
    await shoot('hover');
    if (!(await hover.isVisible())) throw new Error('the hover vanished before the screenshot');
  },
};
