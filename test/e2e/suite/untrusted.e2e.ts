// Untrusted workspaces get validation only: the extension still activates and diagnoses, but the language server
// knows it is untrusted and drops the model folder (a user setting restricted settings do not cover).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { cleanRecords, extension, hasRule, openDataset, waitForDiagnostics, writeDataset } from './helpers';

interface LanguageClientLike {
  sendRequest<R>(method: string, params: unknown): Promise<R>;
}

test('an untrusted workspace is really untrusted here', () => {
  assert.equal(vscode.workspace.isTrusted, false);
});

test('validation still runs in an untrusted workspace', async () => {
  const [first, second] = cleanRecords(2);
  const uri = writeDataset('untrusted.jsonl', [first, second, first]);
  await openDataset(uri);
  await waitForDiagnostics(uri, 'duplicate on line 2', (ds) => hasRule(ds, 'duplicate', 2));
});

test('the server runs untrusted and ignores the configured model folder', async () => {
  assert.equal(vscode.workspace.getConfiguration('finetune').get('baseModel'), '/e2e/untrusted/model-folder', 'the run seeds a user-level baseModel');
  const api = (await extension().activate()) as { ctx: { languageClient?: LanguageClientLike } };
  const client = api.ctx.languageClient;
  assert.ok(client, 'the language client is running');
  const uri = writeDataset('untrusted-settings.jsonl', cleanRecords(2));
  await openDataset(uri);
  const result = await client.sendRequest<{ trusted: boolean; settings: { baseModel?: string } } | null>('finetune/settings', { uri: uri.toString() });
  assert.ok(result, 'the server has the document open');
  assert.equal(result.trusted, false);
  assert.equal(result.settings.baseModel, undefined);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
