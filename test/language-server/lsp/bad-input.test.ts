// Bad input over the real protocol: a hover on a record without turns, edit positions that are not whole numbers,
// a lone '\r' (a line break to LSP, JSON whitespace to JSONL), and a message header without Content-Length.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { chat, PROBLEM_TEXT, tempWorkspace } from './fixtures';
import { bundleServer, fileUri, ROOT, startLanguageServer, type LanguageServer } from './harness';

let server: LanguageServer;
let bundle: { file: string; dispose: () => void };
const workspace = tempWorkspace();
let counter = 0;
const newUri = () => fileUri(path.join(workspace.dir, `bad-${++counter}.jsonl`));

before(async () => {
  bundle = await bundleServer();
  server = await startLanguageServer({ serverScript: bundle.file, workspaceFolder: workspace.dir });
});

after(async () => {
  await server.stop();
  bundle.dispose();
  workspace.dispose();
});

const shape = (params: PublishDiagnosticsParams) =>
  params.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`).sort();

async function openAndWait(text: string): Promise<{ uri: string; params: PublishDiagnosticsParams }> {
  const uri = newUri();
  const published = server.nextDiagnostics(uri);
  server.open(uri, text, 1);
  return { uri, params: await published };
}

/** Sends edits one version at a time; resolves with the diagnostics of the last version. */
async function edit(uri: string, edits: TextDocumentContentChangeEvent[]): Promise<PublishDiagnosticsParams> {
  const last = edits.length + 1;
  const published = server.nextDiagnostics(uri, (p) => p.version === last);
  edits.forEach((change, i) => server.change(uri, i + 2, [change]));
  return published;
}

test('a hover on a record without turns answers instead of failing', async () => {
  const { uri } = await openAndWait('{"messages": []}\n');
  const hover = await server.hover(uri, 0, 3);
  assert.ok(hover);
  assert.match((hover.contents as { value: string }).value, /0 turns/);
});

test('edit positions that are not whole numbers are taken as whole ones; later edits land where the client put them', async () => {
  const { uri } = await openAndWait(PROBLEM_TEXT);
  const edits: TextDocumentContentChangeEvent[] = [
    { range: { start: { line: 0, character: 0.5 }, end: { line: 0, character: 0.5 } }, text: `${chat('Hi', 'Hello there.')}\n` },
    // the line the first edit split off: a fractional line start would put this after the '{'
    { range: { start: { line: 1, character: 0.7 }, end: { line: 1, character: 0.7 } }, text: 'x' },
  ];
  const edited = await edit(uri, edits);
  // what the client has: the same edits at whole positions
  let client = TextDocument.create(uri, 'jsonl', 1, PROBLEM_TEXT);
  for (const change of edits) {
    const range = 'range' in change ? change.range : undefined;
    const whole = range && { start: { line: Math.floor(range.start.line), character: Math.floor(range.start.character) }, end: { line: Math.floor(range.end.line), character: Math.floor(range.end.character) } };
    client = TextDocument.update(client, [whole ? { range: whole, text: change.text } : { text: change.text }], client.version + 1);
  }
  const fresh = await openAndWait(client.getText());
  assert.deepEqual(shape(edited), shape(fresh.params));
  // a rebuild from the server's own copy of the text (settings changed) agrees too
  const rebuilt = server.nextDiagnostics(uri);
  server.changeConfiguration({});
  assert.deepEqual(shape(await rebuilt), shape(fresh.params));
});

test('a lone \\r is a line break to the client: positions after it are on the next line, and edits there land right', async () => {
  const text = '{"text": "a"}\r{"text": "b"}\n{"text":\r"hello"}\n';
  const { uri, params } = await openAndWait(text);
  const syntax = params.diagnostics.find((d) => d.code === 'json-syntax');
  assert.deepEqual(syntax?.range.start, { line: 1, character: 0 }, 'the second object starts the client\'s line 1');
  // line 3 of the client is `"hello"}`: put a misspelled key there
  const edited = await edit(uri, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 7 } }, text: '"hello", "txet": "x"' }]);
  const expected = '{"text": "a"}\r{"text": "b"}\n{"text":\r"hello", "txet": "x"}\n';
  const fresh = await openAndWait(expected);
  assert.deepEqual(shape(edited), shape(fresh.params));
  const unknownKey = edited.diagnostics.find((d) => d.code === 'unknown-key');
  assert.deepEqual(unknownKey?.range.start, { line: 3, character: 9 });
  const hover = await server.hover(uri, 3, 2);
  assert.deepEqual(hover?.range?.start, { line: 2, character: 0 }, 'the record starts on the client\'s line 2');
});

test('a message header without Content-Length ends `finetune lsp --stdio` with one line and code 1, not a hang', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/src/main.ts'), 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  // a body that is not JSON keeps the framing: the server answers what follows
  child.stdin.write(`Content-Length: 5\r\n\r\nhello`);
  child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } })));
  let stdout = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes('"id":1') && resolve())));
  const started = Date.now();
  child.stdin.write(`X-Custom: 1\r\n\r\n${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' })}`);
  const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
  if (code === 'still running') child.kill();
  assert.equal(code, 1);
  assert.ok(Date.now() - started < 15_000);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], /without Content-Length/);
});
