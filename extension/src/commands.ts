// The extension's commands as small factories in one table (rust-analyzer's main.ts habit): each factory gets the
// context and returns the handler. Other parts (training) register their own table through registerCommands.
import * as vscode from 'vscode';
import { convertDatasetFormat } from './convert';
import { describe, type Ctx } from './ctx';
import { showRenderedExample } from './rendered/command';
import { showDatasetReport } from './report/command';

// Handlers receive whatever VS Code or a caller passes (a Uri from a menu, a line from a CodeLens): each checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;
export type CommandFactory = (ctx: Ctx) => CommandHandler;

export interface RegisterOptions {
  /** Commands that load or run a model: refused, with a message, in an untrusted workspace. */
  requiresTrust?: boolean;
}

const restartServer: CommandFactory = (ctx) => () => ctx.restart();

/** The dataset commands; ids match package.json's contributes.commands. */
export const datasetCommands: Record<string, CommandFactory> = {
  'finetune.showDatasetReport': showDatasetReport,
  'finetune.convertDatasetFormat': convertDatasetFormat,
  'finetune.showRenderedExample': showRenderedExample,
  'finetune.restartServer': restartServer,
};

/** Registers a table of commands; a failing command shows its error once and logs it, instead of vanishing. */
export function registerCommands(ctx: Ctx, table: Record<string, CommandFactory>, options: RegisterOptions = {}): void {
  for (const [id, factory] of Object.entries(table)) {
    const handler = factory(ctx);
    ctx.pushDisposable(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        if (options.requiresTrust && !ctx.trusted) {
          void vscode.window.showWarningMessage('This Fine-Tune command runs a model and needs a trusted workspace.', 'Manage Workspace Trust').then((choice) => {
            if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
          });
          return undefined;
        }
        try {
          return await handler(...args);
        } catch (error) {
          ctx.showError(`${id} failed`, describe(error));
          return undefined;
        }
      }),
    );
  }
}
