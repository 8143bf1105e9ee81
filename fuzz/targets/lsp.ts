// The language server over stdio, fed malformed JSON-RPC: an input is a list of messages, each an object (framed
// with a correct Content-Length) or a string (written as raw bytes: broken headers, wrong lengths, bad JSON); bytes
// that are not such a list are written raw whole. Requests that the server makes are answered as a client would.
// Oracles: the server never writes a stack trace to stderr and never exits on its own; when every message was framed
// it still answers `shutdown` afterwards; when raw bytes may have broken the framing, it exits once stdin closes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { COMMON_TOKENS, mutateBytes, mutateJson, stacked, stringify } from '../mutate';
import type { Random } from '../random';
import type { Target } from '../target';
import { ROOT } from './seeds';

/** How long a server gets to answer `shutdown`, and then to exit once stdin closes. */
const ANSWER_MS = 8000;
const URI = 'file:///fuzz/data.jsonl';

const TOKENS = [...COMMON_TOKENS, '"jsonrpc"', '"2.0"', '"id"', '"method"', '"params"', '"textDocument"', '"uri"', '"position"', '"range"',
  '"line"', '"character"', '"contentChanges"', '"version"', '"text"', '"textDocument/hover"', '"textDocument/didChange"', '"finetune/report"',
  '"finetune/renderExample"', '"finetune/convert"', '"finetune/setLosses"', '"$/cancelRequest"', '"initialize"', '"file:///"', '"untitled:x"',
  '"losses"', '"targetFormat"', 'Content-Length: 99999999\r\n\r\n', 'Content-Length: -1\r\n\r\n', 'Content-Type: x\r\n', '\r\n\r\n'];

function frame(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}

const request = (id: number | string, method: string, params: unknown) => ({ jsonrpc: '2.0', id, method, params });
const notification = (method: string, params: unknown) => ({ jsonrpc: '2.0', method, params });

/** A session as an editor has it: open a dataset, edit, hover, ask for fixes and the custom finetune/ requests. */
function session(pullConfiguration: boolean, text: string): unknown[] {
  const position = { line: 1, character: 5 };
  const diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', code: 'duplicate', source: 'finetune' };
  return [
    request(1, 'initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: pullConfiguration, workspaceFolders: true } }, initializationOptions: { trusted: true } }),
    notification('initialized', {}),
    notification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'jsonl', version: 1, text } }),
    request(2, 'textDocument/hover', { textDocument: { uri: URI }, position }),
    notification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ range: { start: position, end: { line: 1, character: 9 } }, text: '"x"\n{' }] }),
    request(3, 'textDocument/codeAction', { textDocument: { uri: URI }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix', 'source.fixAll'] } }),
    request(4, 'finetune/report', { uri: URI }),
    request(5, 'finetune/renderExample', { uri: URI, line: 0 }),
    request(6, 'finetune/convert', { uri: URI, targetFormat: 'sharegpt' }),
    request(7, 'finetune/settings', { uri: URI }),
    notification('finetune/setLosses', { uri: URI, losses: [[0, 1.5], [1, 9]] }),
    notification('workspace/didChangeConfiguration', { settings: {} }),
    request(8, 'textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 0 } }),
    notification('textDocument/didClose', { textDocument: { uri: URI } }),
  ];
}

function mutateOnce(input: Buffer, random: Random, seeds: readonly Buffer[]): Buffer {
  let messages: unknown;
  try {
    messages = JSON.parse(input.toString('utf8'));
  } catch {
    return mutateBytes(input, random, TOKENS, seeds);
  }
  if (!Array.isArray(messages) || random.chance(0.05)) return mutateBytes(input, random, TOKENS, seeds);
  if (random.chance(0.1) && messages.length > 0) {
    // one message becomes raw bytes with a byte-level edit: a header or body the framing must survive
    const at = random.int(messages.length);
    messages[at] = mutateBytes(frame(stringify(messages[at]) ?? ''), random, TOKENS, seeds).toString('utf8');
  } else if (random.chance(0.15) && messages.length > 0) {
    const from = random.int(messages.length); // reorder: a change before the open, a hover after the close
    messages.splice(random.int(messages.length), 0, ...messages.splice(from, 1));
  } else {
    messages = mutateJson(messages, random, TOKENS);
  }
  const text = stringify(messages);
  return text === null ? input : Buffer.from(text);
}

/**
 * The exact text of each element of a top-level JSON array (so a message nested deeper than JSON.stringify can go
 * reaches the server as it is); null when the text is not an array.
 */
export function arrayElements(text: string): string[] | null {
  try {
    if (!Array.isArray(JSON.parse(text))) return null;
  } catch {
    return null;
  }
  const elements: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (char === '[' || char === '{') {
      if (depth++ === 0) start = i + 1;
      continue;
    } else if (char === ']' || char === '}') {
      if (--depth === 0) break;
      continue;
    }
    if (depth === 1 && char === ',') {
      elements.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start, text.lastIndexOf(']')).trim();
  if (last || elements.length > 0) elements.push(last);
  return elements;
}

/** The deepest nesting of brackets outside strings. */
function nestingDepth(input: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return deepest;
}

/** Splits the server's output into messages (it frames correctly; we only need the JSON). Linear in the output. */
class OutputReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length of the message being read, once its header is in. */
  private bodyLength = -1;

  push(chunk: Buffer, onMessage: (message: Record<string, unknown>) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.bodyLength < 0) {
        const pending = this.take(this.buffered);
        const headerEnd = pending.indexOf('\r\n\r\n');
        this.chunks = [pending];
        if (headerEnd < 0) return;
        this.bodyLength = Number(/Content-Length: (\d+)/i.exec(pending.subarray(0, headerEnd).toString('ascii'))?.[1]);
        this.chunks = [pending.subarray(headerEnd + 4)];
        this.buffered -= headerEnd + 4;
      }
      if (this.buffered < this.bodyLength) return;
      const all = this.take(this.buffered);
      const body = all.subarray(0, this.bodyLength);
      this.chunks = [all.subarray(this.bodyLength)];
      this.buffered = all.length - this.bodyLength;
      this.bodyLength = -1;
      onMessage(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    }
  }

  private take(length: number): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, length);
  }
}

/** A stack trace, or Node's report of an uncaught exception or unhandled rejection. */
const CRASH_TEXT = /^\s+at .+:\d+:\d+\)?$|uncaught|unhandled|FATAL ERROR/im;

export const lspTarget: Target = {
  name: 'lsp',
  timeLimitMs: 2 * ANSWER_MS + 4000, // the two waits and the server's start
  knownDefectOfInput(input) {
    // vscode-jsonrpc logs an invalid message pretty-printed (JSON.stringify(message, null, 4)) in a window/logMessage:
    // quadratic in its nesting, so a 6 KB message 3,000 arrays deep costs seconds and a 35 MB log line
    return nestingDepth(input) > 1000 ? 'vscode-jsonrpc-logs-deep-invalid-message' : null;
  },
  async prepare() {
    const dir = mkdtempSync(join(tmpdir(), 'finetune-fuzz-server-'));
    const serverScript = join(dir, 'server.js');
    await build({ entryPoints: [join(ROOT, 'language-server/src/server.ts')], outfile: serverScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node'], logLevel: 'error' });
    return { context: { serverScript, workspace: dir }, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  },
  seeds() {
    const lines = readFileSync(join(ROOT, 'examples', 'problems', 'problems.jsonl'), 'utf8').split('\n');
    return [session(false, lines.slice(0, 6).join('\n')), session(true, lines.slice(6, 12).join('\n')), session(false, '{"messages": []}\n\n[1]\n{')]
      .map((messages) => Buffer.from(JSON.stringify(messages)));
  },
  mutate: (seed, random, seeds) => stacked(seed, random, (input, r) => mutateOnce(input, r, seeds)),
  async check(input, context) {
    // a list's strings are raw bytes, its other elements framed messages; anything else is raw bytes whole
    const elements = arrayElements(input.toString('utf8'));
    const messages = elements
      ? elements.map((element) => (element.startsWith('"') ? Buffer.from(JSON.parse(element) as string, 'utf8') : frame(element)))
      : [input];
    const framed = elements !== null && elements.every((element) => !element.startsWith('"'));
    const server = spawn(process.execPath, ['--max-old-space-size=256', context.serverScript, '--stdio'], { cwd: context.workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    server.stdin.on('error', () => undefined); // a server that exits early closes the pipe under our writes
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    let answered!: () => void;
    const shutdownAnswered = new Promise<void>((resolve) => (answered = resolve));
    const reader = new OutputReader();
    server.stdout.on('data', (chunk: Buffer) =>
      reader.push(chunk, (message) => {
        if (process.env.FUZZ_LSP_LOG) console.error(JSON.stringify(message).slice(0, 300)); // to watch a replay
        if (message.id === 'fuzz-shutdown') answered();
        else if (typeof message.method === 'string' && message.id !== undefined) {
          // a request of the server's: answer as a client would
          const items = (message.params as { items?: unknown[] } | undefined)?.items;
          const result = message.method === 'workspace/configuration' ? (items ?? []).map(() => ({})) : null;
          server.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: message.id, result })));
        }
      }),
    );
    const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
    try {
      for (const message of messages) server.stdin.write(message);
      let problem: string | null = null;
      if (framed) {
        server.stdin.write(frame(JSON.stringify(request('fuzz-shutdown', 'shutdown', null))));
        const first = await Promise.race([shutdownAnswered.then(() => 'answered' as const), exited.then((code) => `exited with code ${code}` as const), timeout(ANSWER_MS)]);
        if (first !== 'answered') problem = first === 'timeout' ? `no answer to shutdown within ${ANSWER_MS} ms` : `the server ${first} before shutdown`;
        else server.stdin.write(frame(JSON.stringify(notification('exit', null))));
      }
      server.stdin.end();
      if (!problem && (await Promise.race([exited, timeout(ANSWER_MS)])) === 'timeout') problem = `still running ${ANSWER_MS} ms after stdin closed`;
      if (CRASH_TEXT.test(stderr)) problem = `${problem ? `${problem}; ` : ''}stderr: ${stderr.slice(0, 1500)}`;
      if (problem) throw new Error(`language server: ${problem}`);
    } finally {
      server.kill('SIGKILL');
    }
  },
};
