// What a user waits for in the editor, timed over the real protocol: a plain LSP client (lsp-client.ts) spawns the
// built language server (dist/server.js) and opens a 100k-line document with a finding on every line (trailing
// whitespace on each response) and one with few findings. Figures: open → first diagnostics, one edit → its
// diagnostics, and a typing burst (a hover on another file answered meanwhile, the last edit's diagnostics after
// it). The floor beside them is a hover round trip on a one-line document: the protocol's own cost.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chatDatasetText } from './lint-data';
import { startBenchClient, type BenchClient } from './lsp-client';
import { repositoryRoot } from './repository-root';

export interface LspBenchOptions {
  /** The server to time; dist/server.js by default (another build, to compare two in one run). */
  serverScript?: string;
  lines?: number;
  edits?: number;
  bursts?: number;
  burstEdits?: number;
}

/** Inside the system prompt's text ('{"messages":[{"role":"system","content":"You' is 44 characters). */
const EDIT_COLUMN = 44;
/** Time between two keystrokes of a burst: faster than anyone types. */
const KEYSTROKE_MS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every response ends in a space: the whitespace rule's finding on every line. */
function withTrailingSpaces(text: string): string {
  return text.replace(/"\}\]\}$/gm, ' "}]}');
}

async function timeEdits(client: BenchClient, uri: string, lines: number, edits: number, version: { value: number }): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const at = { line: Math.floor((lines * (i + 1)) / (edits + 2)), character: EDIT_COLUMN };
    const expected = ++version.value;
    const published = client.diagnostics(uri, (params) => params.version === expected);
    const start = performance.now();
    client.change(uri, expected, [{ range: { start: at, end: at }, text: 'x' }]);
    await published;
    times.push(performance.now() - start);
    await sleep(200); // let the server settle, so each edit is timed alone
  }
  return times;
}

interface Burst {
  hoverMs: number;
  lastDiagnosticsMs: number;
  publishes: number;
}

/** `count` keystrokes on one line, a hover on `other` halfway through. */
async function typeBurst(client: BenchClient, uri: string, other: string, line: number, count: number, version: { value: number }): Promise<Burst> {
  const before = client.published(uri);
  let hover: Promise<number> | undefined;
  for (let i = 0; i < count; i++) {
    const at = { line, character: EDIT_COLUMN + i };
    client.change(uri, ++version.value, [{ range: { start: at, end: at }, text: 'y' }]);
    if (i === count >> 1) {
      const sent = performance.now();
      hover = client.hover(other, 0, 2).then(() => performance.now() - sent);
    }
    await sleep(KEYSTROKE_MS);
  }
  const last = version.value;
  const end = performance.now();
  await client.diagnostics(uri, (params) => params.version === last);
  const lastDiagnosticsMs = performance.now() - end;
  return { hoverMs: await hover!, lastDiagnosticsMs, publishes: client.published(uri) - before };
}

export async function benchLsp(options: LspBenchOptions = {}): Promise<Record<string, number | string>> {
  const server = options.serverScript ?? join(repositoryRoot(), 'dist', 'server.js');
  if (!existsSync(server)) return { 'lsp.skipped': 'no dist/server.js (npm run build)' };
  const lines = options.lines ?? 100_000;
  const edits = options.edits ?? 9;
  const few = chatDatasetText(lines, 250);
  const documents = { many: withTrailingSpaces(few), few };
  const figures: Record<string, number | string> = { 'lsp.documentLines': lines, 'lsp.documentMB': round(few.length / 1048576) };
  const client = await startBenchClient(server);
  try {
    const small = 'file:///bench/small.jsonl';
    client.open(small, chatDatasetText(1, 250));
    await client.diagnostics(small);
    const floor: number[] = [];
    for (let i = 0; i < 15; i++) {
      const start = performance.now();
      await client.hover(small, 0, 2);
      floor.push(performance.now() - start);
    }
    figures['lsp.floor.hoverRoundTripMs'] = round(median(floor));
    for (const [name, text] of Object.entries(documents)) {
      const uri = `file:///bench/${name}.jsonl`;
      const start = performance.now();
      client.open(uri, text);
      const first = await client.diagnostics(uri);
      figures[`lsp.${name}.openToDiagnosticsMs`] = Math.round(performance.now() - start);
      figures[`lsp.${name}.diagnosticsShown`] = first.diagnostics.length;
      const version = { value: 1 };
      const times = await timeEdits(client, uri, lines, edits, version);
      figures[`lsp.${name}.editToDiagnosticsMs`] = round(median(times));
      figures[`lsp.${name}.editToDiagnosticsMaxMs`] = round(Math.max(...times));
      if (name !== 'many') continue;
      const bursts: Burst[] = [];
      for (let b = 0; b < (options.bursts ?? 3); b++) {
        bursts.push(await typeBurst(client, uri, small, Math.floor(lines / 3) + b, options.burstEdits ?? 300, version));
        await sleep(500);
      }
      figures[`lsp.burst.edits`] = options.burstEdits ?? 300;
      figures[`lsp.burst.keystrokeMs`] = KEYSTROKE_MS;
      figures[`lsp.burst.hoverOnOtherFileMs`] = round(median(bursts.map((burst) => burst.hoverMs)));
      figures[`lsp.burst.lastEditToDiagnosticsMs`] = round(median(bursts.map((burst) => burst.lastDiagnosticsMs)));
      figures[`lsp.burst.publishes`] = median(bursts.map((burst) => burst.publishes));
    }
  } finally {
    await client.stop();
  }
  return figures;
}
