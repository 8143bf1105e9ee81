// Fine-Tune Studio's entry point: creates the context, registers the dataset commands and the report panel's
// serializer, starts the language server, and restarts it when trust or a restart-only setting changes.
import * as vscode from 'vscode';
import { Config } from './config';
import { datasetCommands } from './dataset-commands';
import { registerCommands } from './register-commands';
import { Ctx } from './ctx';
import { ReportPanel } from './report/panel';
import { registerTraining } from './training';
import { registerPreview } from './preview';
import { registerExport } from './export';

/** What activate returns: the context, for the parts registered later (training) and for integration tests. */
export interface FineTuneApi {
  ctx: Ctx;
}

let active: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<FineTuneApi> {
  const ctx = new Ctx(context);
  active = ctx;
  registerCommands(ctx, datasetCommands);
  registerTraining(ctx);
  registerPreview(ctx);
  registerExport(ctx);
  ctx.pushDisposable(ReportPanel.registerSerializer(ctx));
  ctx.pushDisposable(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (Config.affectsRestart(event)) void ctx.restart();
    }),
  );
  // Trusting the workspace unlocks the model folder (tokenizer, chat template): the server learns it at start.
  ctx.pushDisposable(vscode.workspace.onDidGrantWorkspaceTrust(() => void ctx.restart()));
  await ctx.start();
  return { ctx };
}

export async function deactivate(): Promise<void> {
  await active?.stop();
  active = undefined;
}
