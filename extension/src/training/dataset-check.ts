// Before a run starts: the dataset must have no lint errors (the trainer would refuse it anyway, later and with less
// context). Asks the language server for the file's report; without a server, falls back to the Problems it shows.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, ReportRequest } from '../../../contracts/src/lsp-protocol';
import type { Ctx } from '../ctx';

const reportAttempts = 20;
const reportRetryMs = 250;

async function countErrors(ctx: Ctx, uri: vscode.Uri): Promise<number> {
  await vscode.workspace.openTextDocument(uri); // the server validates open documents
  const client = ctx.languageClient;
  if (client) {
    for (let attempt = 0; attempt < reportAttempts; attempt++) {
      const report = await client.sendRequest(ReportRequest, { uri: client.code2ProtocolConverter.asUri(uri) }).catch(() => null);
      if (report) return report.errors;
      await new Promise((resolve) => setTimeout(resolve, reportRetryMs));
    }
  }
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error && diagnostic.source === DIAGNOSTIC_SOURCE).length;
}

/** True when the dataset may be trained on; otherwise tells the user once and offers the Problems view. */
export async function ensureDatasetIsClean(ctx: Ctx, uri: vscode.Uri): Promise<boolean> {
  const errors = await countErrors(ctx, uri);
  if (errors === 0) return true;
  const message = `${path.basename(uri.fsPath)} has ${errors} lint error${errors === 1 ? '' : 's'}: fix ${errors === 1 ? 'it' : 'them'} before training.`;
  ctx.output.warn(`training refused: ${uri.fsPath}: ${errors} error(s)`);
  const choice = await vscode.window.showErrorMessage(message, 'Open Problems', 'Open Dataset');
  if (choice === 'Open Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  if (choice === 'Open Dataset') await vscode.window.showTextDocument(uri);
  return false;
}
