// Every command package.json contributes is registered, and the dataset report opens as a webview panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { cleanRecords, extension, hasRule, openDataset, waitFor, waitForDiagnostics, writeDataset } from './helpers';

test('every contributed command is registered', async () => {
  await extension().activate();
  const contributed = ((extension().packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes?.commands ?? []).map((c) => c.command);
  assert.ok(contributed.length > 0, 'package.json contributes commands');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((id) => !registered.has(id));
  assert.deepEqual(missing, [], 'contributed but not registered');
});

test('the dataset report command opens the report webview', async () => {
  const records = cleanRecords(4);
  const uri = writeDataset('report.jsonl', [...records, records[0]]);
  await openDataset(uri);
  await waitForDiagnostics(uri, 'duplicate on line 4', (ds) => hasRule(ds, 'duplicate', 4));
  await vscode.commands.executeCommand('finetune.showDatasetReport');
  const tab = await waitFor('a report webview tab', () =>
    vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('finetune.datasetReport')),
  );
  assert.ok(tab);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
