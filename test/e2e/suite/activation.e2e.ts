// The extension activates when a .jsonl file opens, and returns its API (the context the training part extends).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { cleanRecords, extension, openDataset, writeDataset } from './helpers';

test('activates on a .jsonl file and exposes its context', async () => {
  const uri = writeDataset('activation.jsonl', cleanRecords(3));
  const editor = await openDataset(uri);
  assert.equal(editor.document.languageId, 'jsonl');
  const ext = extension();
  // Activation is triggered by the language (onLanguage:jsonl); wait for it rather than forcing it.
  const deadline = Date.now() + 30_000;
  while (!ext.isActive && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(ext.isActive, 'the extension did not activate on a .jsonl file');
  const api = (await ext.activate()) as { ctx?: { languageClient?: unknown } } | undefined;
  assert.ok(api?.ctx, 'activate() returns { ctx }');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
