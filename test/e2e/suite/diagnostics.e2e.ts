// Diagnostics come from the real language server process: rule ids as codes, exact lines, the finetune source.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './harness';
import { chat, cleanRecords, codeOf, hasRule, openDataset, waitForDiagnostics, writeDataset } from './helpers';

test('diagnostics arrive from the language server with rule ids and exact positions', async () => {
  const [first, second, third] = cleanRecords(3);
  const uri = writeDataset('diagnostics.jsonl', [
    first,
    '{"messages": [{"role": "user", "content": "unterminated"}',
    second,
    first,
    third,
    chat('Contact me about the invoice.', 'Write to jane.doe@gmail.com and she will reply within a day.'),
  ]);
  await openDataset(uri);
  const diagnostics = await waitForDiagnostics(uri, 'json-syntax on line 1, duplicate on line 3, pii on line 5', (ds) =>
    hasRule(ds, 'json-syntax', 1) && hasRule(ds, 'duplicate', 3) && hasRule(ds, 'pii', 5),
  );
  for (const diagnostic of diagnostics) {
    assert.ok(codeOf(diagnostic), 'every diagnostic carries its rule id as code');
  }
  // The duplicate points back to the first occurrence (line 0).
  const duplicate = diagnostics.find((d) => codeOf(d) === 'duplicate');
  assert.ok(duplicate?.relatedInformation?.some((info) => info.location.range.start.line === 0), 'duplicate relates to line 0');
  // The PII finding covers the e-mail address itself.
  const pii = diagnostics.find((d) => codeOf(d) === 'pii');
  assert.ok(pii);
  const text = (await vscode.workspace.openTextDocument(uri)).getText(pii.range);
  assert.ok(text.includes('jane.doe@gmail.com'), `pii range covers the address, got ${JSON.stringify(text)}`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('hover on a record shows its token counts', async () => {
  const uri = writeDataset('hover.jsonl', cleanRecords(4));
  await openDataset(uri);
  const hovers = await waitForHover(uri, new vscode.Position(1, 5));
  const text = hovers.flatMap((hover) => hover.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /\d+/, `the hover shows numbers (token counts), got ${JSON.stringify(text)}`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

async function waitForHover(uri: vscode.Uri, position: vscode.Position): Promise<vscode.Hover[]> {
  const deadline = Date.now() + 30_000;
  while (true) {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    if (hovers && hovers.length > 0) return hovers;
    if (Date.now() > deadline) throw new Error('no hover on a record line within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
