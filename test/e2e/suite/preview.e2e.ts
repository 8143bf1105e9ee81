// Previewing in the real extension host against the real engine worker: "Preview Example" on a record opens a diff
// editor whose right side holds exactly the generated text (left: the expected response), and "Score Dataset with
// Run" scores every record with a run (here a full fine-tune result: a copy of the tiny model in RUN_DIR/model), and
// "Compare Base vs Fine-Tuned" on selected records saves both replies in RUN_DIR/compare-*.jsonl (the copy equals its
// base, so greedy replies must match).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';
import { cleanRecords, extension, openDataset, setWorkspaceSetting, waitFor, workspaceFolder, writeDataset } from './helpers';

function tinyModel(): string {
  const model = join(workspaceFolder(), 'models', 'tiny-preview');
  if (existsSync(join(model, 'config.json'))) return model;
  const cli = join(extension().extensionPath, 'dist', 'cli.js');
  const created = spawnSync(process.execPath, [cli, 'init-model', '--arch', 'llama', '--size', 'tiny', '--out', model], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  assert.equal(created.status, 0, `finetune init-model failed: ${created.stderr}`);
  return model;
}

test('Preview Example opens a diff: expected on the left, the generated text on the right', async () => {
  await extension().activate();
  const model = tinyModel();
  await setWorkspaceSetting('baseModel', model);
  await setWorkspaceSetting('preview.maxNewTokens', 16);
  await setWorkspaceSetting('preview.temperature', 0);
  const records = cleanRecords(3);
  const uri = writeDataset('preview.jsonl', records);
  await openDataset(uri);
  const result = await vscode.commands.executeCommand<{ generated: string } | undefined>('finetune.previewExample', uri, 1);
  assert.ok(result, 'the preview ran');
  const diff = await waitFor('a diff tab of preview documents', () =>
    vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .map((tab) => tab.input)
      .find((input): input is vscode.TabInputTextDiff => input instanceof vscode.TabInputTextDiff && input.modified.scheme === 'finetune-preview'),
  );
  const text = async (uri: vscode.Uri) => (await vscode.workspace.openTextDocument(uri)).getText();
  assert.equal(await text(diff.original), records[1].messages[1].content);
  // The document follows the provider's change events (coalesced): allow them a moment to land.
  let shown = '';
  for (let attempt = 0; attempt < 50 && shown !== result.generated; attempt++) {
    shown = await text(diff.modified);
    if (shown !== result.generated) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(shown, result.generated);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 120_000);

test('Score Dataset with Run writes per-example losses for every record', async () => {
  const model = tinyModel();
  const runDir = join(workspaceFolder(), '.finetune', 'runs', 'full-preview');
  mkdirSync(runDir, { recursive: true });
  cpSync(model, join(runDir, 'model'), { recursive: true });
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: { model, method: 'full', maxSeqLen: 256 } }));
  const uri = writeDataset('score.jsonl', cleanRecords(6));
  await openDataset(uri);
  const result = await vscode.commands.executeCommand<{ records: number; out: string } | undefined>('finetune.scoreDatasetWithRun', uri, runDir);
  assert.ok(result, 'scoring ran');
  assert.equal(result.records, 6);
  const lines = readFileSync(result.out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; loss: number });
  assert.deepEqual(lines.map((entry) => entry.line), [1, 2, 3, 4, 5, 6]);
  assert.ok(lines.every((entry) => entry.loss > 0));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 120_000);

test('Compare Base vs Fine-Tuned saves both replies for the selected records', async () => {
  const model = tinyModel();
  const runDir = join(workspaceFolder(), '.finetune', 'runs', 'full-preview');
  if (!existsSync(join(runDir, 'model'))) {
    mkdirSync(runDir, { recursive: true });
    cpSync(model, join(runDir, 'model'), { recursive: true });
    writeFileSync(join(runDir, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: { model, method: 'full', maxSeqLen: 256 } }));
  }
  const records = cleanRecords(3);
  const uri = writeDataset('compare.jsonl', records);
  const editor = await openDataset(uri);
  editor.selection = new vscode.Selection(1, 0, 2, 5);
  const file = await vscode.commands.executeCommand<string | undefined>('finetune.compareBaseVsTuned', uri, runDir);
  assert.ok(file, 'the comparison ran');
  assert.match(basename(file), /^compare-.*\.jsonl$/);
  const entries = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; expected: string; base: { text: string }; tuned: { text: string } });
  assert.deepEqual(entries.map((entry) => entry.line), [2, 3]);
  assert.deepEqual(entries.map((entry) => entry.expected), [records[1].messages[1].content, records[2].messages[1].content]);
  for (const entry of entries) assert.equal(entry.tuned.text, entry.base.text);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 120_000);
