// A plain LSP client over stdio for the bench: spawns a server script, initializes as an editor would (no
// configuration pulled), and waits for published diagnostics by document and version. What a user waits for is
// what crosses this pipe, so the editing figures are timed here rather than inside the service.
import { spawn } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';

interface Waiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (params: PublishDiagnosticsParams) => void;
}

export interface BenchClient {
  open(uri: string, text: string): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  hover(uri: string, line: number, character: number): Promise<unknown>;
  /** The first diagnostics for `uri` published from now on that `accept` takes. */
  diagnostics(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  /** How many diagnostics notifications arrived for `uri` so far. */
  published(uri: string): number;
  stop(): Promise<void>;
}

export async function startBenchClient(serverScript: string): Promise<BenchClient> {
  const child = spawn(process.execPath, [serverScript, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters: Waiter[] = [];
  const counts = new Map<string, number>();
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    counts.set(params.uri, (counts.get(params.uri) ?? 0) + 1);
    for (let i = 0; i < waiters.length; i++) {
      if (waiters[i].uri !== params.uri || !waiters[i].accept(params)) continue;
      waiters.splice(i--, 1)[0].resolve(params);
    }
  });
  connection.onNotification(() => undefined);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } } },
    initializationOptions: { trusted: true },
  });
  await connection.sendNotification('initialized', {});
  return {
    open: (uri, text) => void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text } }),
    change: (uri, version, changes) => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes }),
    hover: (uri, line, character) => connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }),
    diagnostics: (uri, accept = () => true) => new Promise((resolve) => waiters.push({ uri, accept, resolve })),
    published: (uri) => counts.get(uri) ?? 0,
    async stop() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      connection.dispose();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
