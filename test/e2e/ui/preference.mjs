// Preference data in the start-training flow: a TRL-format file (prompt/chosen/rejected) is opened and "Fine-Tune:
// Start Training…" asks one more question than for instruction data — the objective, DPO first and recommended, SFT on
// the chosen answers the alternative —, DPO offers only the preference methods (full, LoRA, QLoRA) and adds β (0.1)
// to the settings; "More…" writes the run configuration with objective and β. Choosing SFT asks no β and writes none.
// (The instruction-data path, without the objective step, is the training scenario's.)
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { answer, prepareTinyWorkspace } from './tiny-workspace.mjs';
import { openFile, runCommand } from './workbench.mjs';

const DATASET = 'pairs.jsonl';
// Clean for the linter: distinct prompts, chosen and rejected of similar length (no length bias), never identical.
const pairs = [
  ['What is the capital of France?', 'Paris.', 'Lyon.'],
  ['What color is the sky?', 'Blue.', 'Green.'],
  ['How many legs does a cat have?', 'Four.', 'Three.'],
  ['What do bees make?', 'Honey.', 'Milk.'],
  ['What is ice made of?', 'Water.', 'Sand.'],
  ['Which animal barks?', 'A dog.', 'A cow.'],
];


const quickInputTitle = (page) => page.locator('.quick-input-widget .quick-input-title');

/** Waits for the quick input whose title contains `title`; returns the labels of its rows. */
async function rowsOf(page, title) {
  await quickInputTitle(page).filter({ hasText: title }).first().waitFor({ timeout: 60_000 });
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 15_000 });
  return rows.evaluateAll((elements) => elements.map((element) => (element.getAttribute('aria-label') ?? element.textContent ?? '').trim()));
}


/** Waits for the input box titled `title`, types `value` and accepts it. */
async function type(page, title, value) {
  await quickInputTitle(page).filter({ hasText: title }).first().waitFor({ timeout: 60_000 });
  await page.locator('.quick-input-widget input').fill(value);
  await page.keyboard.press('Enter');
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** The run configurations written next to the dataset, oldest first (pairs.finetune.run.json, pairs-2…). */
function runConfigurations(workspace) {
  return readdirSync(workspace)
    .filter((name) => /^pairs(-\d+)?\.finetune\.run\.json$/.test(name))
    .sort((a, b) => a.length - b.length || a.localeCompare(b))
    .map((name) => ({ name, configuration: JSON.parse(readFileSync(join(workspace, name), 'utf8')) }));
}

async function waitForConfiguration(workspace, count) {
  const deadline = Date.now() + 30_000;
  while (runConfigurations(workspace).length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for run configuration #${count} next to ${DATASET}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return runConfigurations(workspace)[count - 1];
}

export const scenario = {
  name: 'start training on preference data: objective (DPO first), preference methods, beta, written to the run configuration',
  requires: 'finetune.startTraining',
  async run({ page, workspace, shoot }) {
    prepareTinyWorkspace(workspace, DATASET, pairs.map(([prompt, chosen, rejected]) => ({ prompt, chosen, rejected })));
    await page.keyboard.press('Escape');
    await openFile(page, DATASET);
    await page.locator('.statusbar-item', { hasText: 'Base model' }).first().waitFor({ timeout: 60_000 });

    // DPO: the recommended default.
    await runCommand(page, 'Fine-Tune: Start Training…');
    await answer(page, 'dataset', ''); // the active editor's dataset is first
    await answer(page, '(2/4): base model', '');
    const objectives = await rowsOf(page, '(3/4): objective');
    expect(objectives.length === 2, `two objectives are offered: ${JSON.stringify(objectives)}`);
    expect(/DPO/.test(objectives[0]) && /recommended/.test(objectives[0]), `DPO is first and recommended: ${JSON.stringify(objectives)}`);
    expect(/SFT on the chosen answers/.test(objectives[1]), `SFT on the chosen answers is the alternative: ${JSON.stringify(objectives)}`);
    await shoot('preference-objective');
    await answer(page, 'objective', ''); // Enter: the first, DPO
    const methods = await rowsOf(page, '(4/4): method');
    const offered = methods.map((row) => row.split(/[\s,]/)[0]).sort();
    expect(JSON.stringify(offered) === JSON.stringify(['full', 'lora', 'qlora']), `DPO offers full, lora and qlora only: ${JSON.stringify(methods)}`);
    await answer(page, 'method', 'lora');
    const settings = await rowsOf(page, 'settings');
    const betaRow = settings.find((row) => /DPO β/.test(row));
    expect(betaRow && /0\.1/.test(betaRow), `the settings list β with its default 0.1: ${JSON.stringify(settings)}`);
    await shoot('preference-settings');
    await answer(page, 'settings', 'DPO β');
    await type(page, 'dpo: β', '0.2');
    await answer(page, 'settings', 'Steps');
    await type(page, 'Optimizer steps', '4');
    await answer(page, 'settings', 'More…');
    const dpo = await waitForConfiguration(workspace, 1);
    expect(dpo.configuration.objective === 'dpo' && dpo.configuration.beta === 0.2 && dpo.configuration.method === 'lora' && dpo.configuration.steps === 4,
      `${dpo.name} holds the DPO choices: ${JSON.stringify(dpo.configuration)}`);
    expect(dpo.configuration.data === DATASET, `${dpo.name} names the dataset: ${JSON.stringify(dpo.configuration)}`);
    await page.locator(`.tab.active[data-resource-name="${dpo.name}"], .tab.active[aria-label^="${dpo.name}"]`).first().waitFor({ timeout: 30_000 });
    await shoot('preference-run-configuration');

    // SFT on the chosen answers: remembered as the objective to offer first next time; no β.
    await openFile(page, DATASET);
    await runCommand(page, 'Fine-Tune: Start Training…');
    await answer(page, 'dataset', '');
    await answer(page, '(2/4): base model', '');
    await answer(page, '(3/4): objective', 'SFT');
    const sftMethods = await rowsOf(page, '(4/4): method');
    expect(sftMethods.some((row) => /^prompt\b/.test(row)), `SFT offers every method: ${JSON.stringify(sftMethods)}`);
    await answer(page, 'method', 'lora');
    const sftSettings = await rowsOf(page, 'settings');
    expect(!sftSettings.some((row) => /β/.test(row)), `no β for SFT: ${JSON.stringify(sftSettings)}`);
    await answer(page, 'settings', 'More…');
    const sft = await waitForConfiguration(workspace, 2);
    expect(sft.configuration.objective === 'sft' && !('beta' in sft.configuration), `${sft.name} holds SFT on the chosen answers: ${JSON.stringify(sft.configuration)}`);

    await openFile(page, DATASET);
    await runCommand(page, 'Fine-Tune: Start Training…');
    await answer(page, 'dataset', '');
    await answer(page, '(2/4): base model', '');
    const again = await rowsOf(page, '(3/4): objective');
    expect(/SFT/.test(again[0]), `the objective chosen last time comes first: ${JSON.stringify(again)}`);
    await page.keyboard.press('Escape');
  },
};
