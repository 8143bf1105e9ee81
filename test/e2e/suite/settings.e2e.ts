// Changing `finetune.*` settings re-diagnoses open datasets without reopening them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { chat, cleanRecords, codeOf, hasRule, openDataset, setWorkspaceSetting, waitForDiagnostics, writeDataset } from './helpers';

test('settings changes re-diagnose: rule severity and a numeric threshold', async () => {
  const [first, second] = cleanRecords(2);
  const uri = writeDataset('settings.jsonl', [first, second, first, chat('What is the chemical symbol for gold?', 'Au, from aurum.')]);
  await openDataset(uri);
  await waitForDiagnostics(uri, 'duplicate on line 2', (ds) => hasRule(ds, 'duplicate', 2));
  try {
    await setWorkspaceSetting('severity', { duplicate: 'off' });
    await waitForDiagnostics(uri, 'duplicate switched off', (ds) => !hasRule(ds, 'duplicate'));

    await setWorkspaceSetting('severity', { duplicate: 'error' });
    const diagnostics = await waitForDiagnostics(uri, 'duplicate back, as an error', (ds) => hasRule(ds, 'duplicate', 2));
    assert.equal(diagnostics.find((d) => codeOf(d) === 'duplicate')?.severity, vscode.DiagnosticSeverity.Error);

    // "Au, from aurum." is 15 characters: short only once the minimum exceeds it.
    assert.ok(!hasRule(diagnostics, 'short-response', 3), 'not short at the default minimum');
    await setWorkspaceSetting('minResponseChars', 40);
    await waitForDiagnostics(uri, 'short-response on line 3', (ds) => hasRule(ds, 'short-response', 3));
  } finally {
    await setWorkspaceSetting('severity', undefined);
    await setWorkspaceSetting('minResponseChars', undefined);
  }
  await waitForDiagnostics(uri, 'defaults again', (ds) => hasRule(ds, 'duplicate', 2) && !hasRule(ds, 'short-response'));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
