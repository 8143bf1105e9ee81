// Starts the real language server as a child process and speaks LSP to it over stdio, as an editor would:
// initialize with the capabilities VS Code sends, answer workspace/configuration from a settings object, collect
// published diagnostics. No mocks: the server process, the protocol and the dataset service are all real.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CodeActionParams,
  Diagnostic,
  Hover,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import type { EditorSettings, ServerStatusParams } from '../../../contracts/src/lsp-protocol';

export const ROOT = path.resolve(__dirname, '../../..');

/**
 * Bundles language-server/src/server.ts as scripts/build.mjs does (so tests never run a stale dist/); starting the
 * bundle takes a fraction of a second where compiling the sources on the fly takes several.
 */
export async function bundleServer(): Promise<{ file: string; dispose: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finetune-server-'));
  const file = path.join(dir, 'server.js');
  await build({ entryPoints: [path.join(ROOT, 'language-server/src/server.ts')], outfile: file, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node'], logLevel: 'error' });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StartOptions {
  /** A bundled server (bundleServer); without it, `finetune lsp --stdio` runs from the CLI's sources. */
  serverScript?: string;
  /** The client's `finetune` settings section; tests may change it and call `changeConfiguration`. */
  settings?: Partial<EditorSettings>;
  trusted?: boolean;
  workspaceFolder?: string;
}

export interface LanguageServer {
  connection: MessageConnection;
  process: ChildProcess;
  initializeResult: InitializeResult;
  settings: Partial<EditorSettings>;
  /** Every workspace/configuration request the server made, by scopeUri. */
  configurationRequests: string[];
  /** Every finetune/serverStatus notification received. */
  statuses: ServerStatusParams[];
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  close(uri: string): void;
  changeConfiguration(settings: Partial<EditorSettings>): void;
  /** Resolves with the first diagnostics for `uri` published after this call that satisfy `accept`. */
  nextDiagnostics(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  hover(uri: string, line: number, character: number): Promise<Hover | null>;
  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]>;
  /** shutdown + exit; resolves with the process's exit code. */
  stop(): Promise<number | null>;
}

export function fileUri(file: string): string {
  return pathToFileURL(file).toString();
}

export async function startLanguageServer(options: StartOptions = {}): Promise<LanguageServer> {
  const args = options.serverScript ? [options.serverScript, '--stdio'] : ['--import', 'tsx', path.join(ROOT, 'cli/src/main.ts'), 'lsp', '--stdio'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const settings: Partial<EditorSettings> = { ...(options.settings ?? {}) };
  const configurationRequests: string[] = [];
  const statuses: ServerStatusParams[] = [];
  const waiters: Array<{ uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];

  connection.onRequest('workspace/configuration', (params: { items: Array<{ scopeUri?: string; section?: string }> }) =>
    params.items.map((item) => {
      configurationRequests.push(item.scopeUri ?? '');
      return item.section === 'finetune' ? server.settings : null;
    }),
  );
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('finetune/serverStatus', (params: ServerStatusParams) => void statuses.push(params));
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    for (let i = 0; i < waiters.length; i++) {
      const waiter = waiters[i];
      if (waiter.uri === params.uri && waiter.accept(params)) {
        waiters.splice(i--, 1);
        waiter.resolve(params);
      }
    }
  });
  connection.listen();

  const workspaceFolder = options.workspaceFolder ?? ROOT;
  const initializeResult = (await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: fileUri(workspaceFolder),
    workspaceFolders: [{ uri: fileUri(workspaceFolder), name: path.basename(workspaceFolder) }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
      },
    },
    initializationOptions: { trusted: options.trusted ?? true },
  })) as InitializeResult;
  await connection.sendNotification('initialized', {});

  const server: LanguageServer = {
    connection,
    process: child,
    initializeResult,
    settings,
    configurationRequests,
    statuses,
    open: (uri, text, version = 1) => void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version, text } }),
    change: (uri, version, changes) => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes }),
    close: (uri) => void connection.sendNotification('textDocument/didClose', { textDocument: { uri } }),
    changeConfiguration(next) {
      server.settings = { ...next };
      void connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    },
    nextDiagnostics(uri, accept = () => true, timeoutMs = 15000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
        waiters.push({ uri, accept, resolve: (params) => (clearTimeout(timer), resolve(params)) });
      });
    },
    hover: (uri, line, character) => connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }),
    codeActions(uri, diagnostics, only) {
      const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const params: CodeActionParams = { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } };
      return connection.sendRequest('textDocument/codeAction', params);
    },
    async stop() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
  return server;
}
