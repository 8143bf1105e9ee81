// The extension's context object (rust-analyzer's ctx.ts habit): owns the language client's lifecycle (start,
// restart, stop), the one output channel, and the disposables; shows each distinct error once, then only logs it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ServerStatusNotification, type ServerStatusParams } from '../../contracts/src/lsp-protocol';
import { createLanguageClient } from './client';
import { Config } from './config';

export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly config = new Config();
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly clientDisposables: vscode.Disposable[] = [];
  private readonly shownErrors = new Set<string>();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Fine-Tune', { log: true });
    extension.subscriptions.push(this.output, this);
  }

  /** Anything the extension registers that lives as long as the extension. */
  pushDisposable(disposable: vscode.Disposable): void {
    this.extension.subscriptions.push(disposable);
  }

  asAbsolutePath(relativePath: string): string {
    return this.extension.asAbsolutePath(relativePath);
  }

  /** Untrusted workspaces get validation only: nothing that loads or runs a model. */
  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** The running language client, if any (commands use requireClient to tell the user what to do otherwise). */
  get languageClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  async start(): Promise<void> {
    if (this.client) return this.starting;
    const { client, disposables } = createLanguageClient(this);
    this.client = client;
    this.clientDisposables.push(...disposables, client.onNotification(ServerStatusNotification, (status) => this.onServerStatus(status)));
    this.starting = client.start().then(
      () => this.output.info(`language server started (${this.trusted ? 'trusted' : 'untrusted: validation only'})`),
      (error: unknown) => this.showError('The Fine-Tune language server failed to start', error),
    );
    return this.starting;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    for (const disposable of this.clientDisposables.splice(0)) disposable.dispose();
    if (client) {
      try {
        await client.dispose(5000);
      } catch (error) {
        this.output.warn(`language server did not stop cleanly: ${describe(error)}`);
      }
    }
  }

  async restart(): Promise<void> {
    this.output.info('restarting the language server');
    await this.stop();
    await this.start();
  }

  /** The client once a start in progress has settled (a panel restored at activation asks before it ran). */
  async ready(): Promise<LanguageClient | undefined> {
    await this.starting;
    return this.languageClient;
  }

  /** The running client, or undefined after telling the user how to get one running. */
  requireClient(): LanguageClient | undefined {
    const client = this.languageClient;
    if (!client) {
      void vscode.window
        .showWarningMessage('The Fine-Tune language server is not running.', 'Restart Language Server', 'Show Log')
        .then((choice) => {
          if (choice === 'Restart Language Server') void this.restart();
          if (choice === 'Show Log') this.output.show(true);
        });
    }
    return client;
  }

  /** Logs every error; shows a notification only the first time a given message occurs. */
  showError(message: string, error?: unknown): void {
    const detail = error === undefined ? message : `${message}: ${describe(error)}`;
    this.output.error(detail);
    if (this.shownErrors.has(detail)) return;
    this.shownErrors.add(detail);
    void vscode.window.showErrorMessage(detail, 'Show Log').then((choice) => {
      if (choice) this.output.show(true);
    });
  }

  private onServerStatus(status: ServerStatusParams): void {
    if (status.health === 'ok') return;
    const message = status.message ?? `language server health: ${status.health}`;
    if (status.health === 'error') return this.showError(message);
    this.output.warn(message);
    if (!this.shownErrors.has(message)) {
      this.shownErrors.add(message);
      void vscode.window.showWarningMessage(message);
    }
  }

  dispose(): void {
    void this.stop();
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
