// Before a run starts: the dataset must have no lint errors (the trainer would refuse it anyway, later and with less
// context). Asks the language server for the file's report, which also says the file's format (the start flow offers
// preference tuning for preference data); without a server, falls back to the Problems it shows and the format of the
// file's first records.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FormatId } from '../../../contracts/src/dataset-types';
import { DIAGNOSTIC_SOURCE, ReportRequest } from '../../../contracts/src/lsp-protocol';
import type { Ctx } from '../ctx';
import { leadingFormat } from './start-choices';

const reportAttempts = 20;
const reportRetryMs = 250;

export interface DatasetFacts {
  errors: number;
  /** The file's format (the report's detectedFormat: the configured one, or the majority of its records). */
  format: FormatId | null;
}

async function inspect(ctx: Ctx, uri: vscode.Uri): Promise<DatasetFacts> {
  await vscode.workspace.openTextDocument(uri); // the server validates open documents
  const client = ctx.languageClient;
  if (client) {
    for (let attempt = 0; attempt < reportAttempts; attempt++) {
      const report = await client.sendRequest(ReportRequest, { uri: client.code2ProtocolConverter.asUri(uri) }).catch(() => null);
      if (report) return { errors: report.errors, format: report.detectedFormat };
      await new Promise((resolve) => setTimeout(resolve, reportRetryMs));
    }
  }
  const errors = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error && diagnostic.source === DIAGNOSTIC_SOURCE).length;
  return { errors, format: leadingFormat(uri.fsPath) };
}

/**
 * The dataset's facts when it may be trained on; otherwise tells the user once, offers the Problems view and
 * resolves to undefined.
 */
export async function checkDataset(ctx: Ctx, uri: vscode.Uri): Promise<DatasetFacts | undefined> {
  const facts = await inspect(ctx, uri);
  const { errors } = facts;
  if (errors === 0) return facts;
  const message = `${path.basename(uri.fsPath)} has ${errors} lint error${errors === 1 ? '' : 's'}: fix ${errors === 1 ? 'it' : 'them'} before training.`;
  ctx.output.warn(`training refused: ${uri.fsPath}: ${errors} error(s)`);
  const choice = await vscode.window.showErrorMessage(message, 'Open Problems', 'Open Dataset');
  if (choice === 'Open Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  if (choice === 'Open Dataset') await vscode.window.showTextDocument(uri);
  return undefined;
}

/** True when the dataset may be trained on; otherwise tells the user once and offers the Problems view. */
export async function ensureDatasetIsClean(ctx: Ctx, uri: vscode.Uri): Promise<boolean> {
  return (await checkDataset(ctx, uri)) !== undefined;
}
