// A quick fix from the server applies through VS Code and changes the document; the diagnostic then goes away.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { cleanRecords, codeOf, hasRule, openDataset, waitForDiagnostics, writeDataset } from './helpers';

test('the duplicate quick fix deletes the repeated record', async () => {
  const [first, second] = cleanRecords(2);
  const uri = writeDataset('quick-fix.jsonl', [first, second, first]);
  const editor = await openDataset(uri);
  const linesBefore = editor.document.lineCount;
  const diagnostics = await waitForDiagnostics(uri, 'duplicate on line 2', (ds) => hasRule(ds, 'duplicate', 2));
  const duplicate = diagnostics.find((d) => codeOf(d) === 'duplicate');
  assert.ok(duplicate);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, duplicate.range, vscode.CodeActionKind.QuickFix.value);
  // The API command does not carry the actions' diagnostics back: the duplicate's fix is the one editing its line only.
  const editsOnlyLine = (edit: vscode.WorkspaceEdit, line: number) =>
    edit.entries().every(([target, edits]) => target.toString() === uri.toString() && edits.every((e) => e.range.start.line === line));
  const fix = actions.find((action) => action.edit && action.edit.size > 0 && editsOnlyLine(action.edit, duplicate.range.start.line));
  assert.ok(fix?.edit, `a quick fix editing only the duplicate's line; got: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
  assert.equal(editor.document.lineCount, linesBefore - 1, 'one line fewer');
  assert.equal(editor.document.lineAt(0).text, JSON.stringify(first));
  assert.equal(editor.document.lineAt(1).text, JSON.stringify(second));
  await waitForDiagnostics(uri, 'the duplicate diagnostic to go away', (ds) => !hasRule(ds, 'duplicate'));
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});
