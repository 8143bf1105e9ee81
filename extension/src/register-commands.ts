// Registers a part's commands, given as a table of small factories (rust-analyzer's main.ts habit): each factory
// gets the context and returns the handler. Every part (datasets, training, preview, export) registers its own table.
import * as vscode from 'vscode';
import type { CommandFactory } from './command-factory';
import { describe, type Ctx } from './ctx';

export interface RegisterOptions {
  /** Commands that load or run a model: refused, with a message, in an untrusted workspace. */
  requiresTrust?: boolean;
}

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
