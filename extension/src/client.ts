// Builds the language client: the server is dist/server.js (the same module `finetune lsp --stdio` runs), started
// over Node IPC, validating `jsonl` documents. Settings are pulled by the server per document.
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_ID, WORKSPACE_CONFIG_FILE, type InitializationOptions } from '../../contracts/src/lsp-protocol';

export const SERVER_BUNDLE = 'dist/server.js';

/** What the client needs from the extension's context: an interface, so that ctx.ts (which creates the client) and
 *  this file do not import each other. */
export interface ClientHost {
  readonly config: { readonly serverMemoryLimitMB: number };
  readonly trusted: boolean;
  readonly output: vscode.LogOutputChannel;
  asAbsolutePath(relativePath: string): string;
  showError(message: string, error?: unknown): void;
}

/** The client and what it owns beyond itself (file watchers), to dispose on restart. */
export function createLanguageClient(ctx: ClientHost): { client: LanguageClient; disposables: vscode.Disposable[] } {
  const module = ctx.asAbsolutePath(SERVER_BUNDLE);
  const execArgv = [`--max-old-space-size=${ctx.config.serverMemoryLimitMB}`];
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...execArgv, '--inspect=6011'] } },
  };
  const initializationOptions: InitializationOptions = { trusted: ctx.trusted };
  // The config file changes settings; any .jsonl may be some dataset's eval file.
  const watchers = [
    vscode.workspace.createFileSystemWatcher(`**/${WORKSPACE_CONFIG_FILE}`),
    vscode.workspace.createFileSystemWatcher('**/*.jsonl', true, false, true),
  ];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    initializationOptions,
    synchronize: { fileEvents: watchers },
    outputChannel: ctx.output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    markdown: { isTrusted: false, supportHtml: false },
    initializationFailedHandler: (error) => {
      ctx.showError('The Fine-Tune language server failed to initialize', error);
      return false;
    },
  };
  return { client: new LanguageClient('finetune', 'Fine-Tune Language Server', serverOptions, clientOptions), disposables: watchers };
}
