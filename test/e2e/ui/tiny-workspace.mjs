// What the training, preview and preference scenarios set up in the workspace: a dataset file, a tiny random model
// made by the packaged CLI's init-model (once), and `finetune.baseModel` plus any other settings merged into
// .vscode/settings.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/project.mjs';

/** Writes `records` (objects) as JSONL to `dataset`, makes models/tiny if missing, merges `settings`. */
export function prepareTinyWorkspace(workspace, dataset, records, settings = {}) {
  writeFileSync(join(workspace, dataset), records.map((record) => JSON.stringify(record)).join('\n') + '\n');
  const model = join(workspace, 'models', 'tiny');
  if (!existsSync(join(model, 'config.json'))) {
    const created = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'init-model', '--arch', 'llama', '--size', 'tiny', '--out', model], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`finetune init-model failed: ${created.stderr}`);
  }
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const current = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {};
  writeFileSync(settingsFile, JSON.stringify({ ...current, 'finetune.baseModel': 'models/tiny', ...settings }, null, 2));
}

/** Waits for the quick input titled `title`, types `text` (a filter or a value) and accepts it. */
export async function answer(page, title, text) {
  await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title }).first().waitFor({ timeout: 60_000 });
  const input = page.locator('.quick-input-widget input');
  await input.fill(text);
  if (text) await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 }).catch(() => {});
  await page.keyboard.press('Enter');
}
