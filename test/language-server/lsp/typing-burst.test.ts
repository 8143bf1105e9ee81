// Typing into a large document over the real protocol: a burst of edits is applied as it comes and diagnosed once,
// at its latest version; a request about another file is answered while the burst still streams in; the diagnostics
// published last are those of the last edit. Timings belong to the bench (bench/lsp.ts); these pin the behaviour.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { chat, tempWorkspace } from './fixtures';
import { bundleServer, fileUri, startLanguageServer, type LanguageServer } from './harness';

let server: LanguageServer;
let bundle: { file: string; dispose: () => void };
const workspace = tempWorkspace();

/** Lines with a finding each (trailing whitespace in the answer), so every publish carries a full page of them. */
const LINES = 20_000;
const text = Array.from({ length: LINES }, (_, i) => chat(`Question number ${i}?`, `Answer number ${i}.  `)).join('\n');

before(async () => {
  bundle = await bundleServer();
  server = await startLanguageServer({ serverScript: bundle.file, workspaceFolder: workspace.dir });
});

after(async () => {
  assert.equal(await server.stop(), 0);
  bundle.dispose();
  workspace.dispose();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Inside the first question's text: '{"messages":[{"role":"user","content":"' is 39 characters. */
const typedAt = (line: number, character: number) => ({ range: { start: { line, character }, end: { line, character } }, text: 'z' });

async function opened(name: string, content: string): Promise<string> {
  const uri = fileUri(path.join(workspace.dir, name));
  const first = server.nextDiagnostics(uri, () => true, 60_000);
  server.open(uri, content);
  await first;
  return uri;
}

test('edits sent back to back are diagnosed once, at the last version', async () => {
  const uri = await opened('burst.jsonl', text);
  const versions: number[] = [];
  const edits = 100;
  const last = server.nextDiagnostics(uri, (params) => (versions.push(params.version!), params.version === edits + 1), 60_000);
  for (let i = 0; i < edits; i++) server.change(uri, i + 2, [typedAt(LINES >> 1, 39 + i)]);
  const published = await last;
  assert.ok(versions.length < edits / 10, `a publish per burst, not per edit: ${versions.length} for ${edits} edits (versions ${versions.join(', ')})`);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'never an older version after a newer one');
  assert.equal(published.diagnostics.filter((diagnostic) => diagnostic.code === 'whitespace').length > 0, true);
});

test('a hover on another file is answered while a burst of edits streams in, and the last edit is diagnosed', async () => {
  const uri = await opened('typing.jsonl', text);
  const other = await opened('other.jsonl', chat('What is two plus two?', 'Four.'));
  const edits = 200;
  let burstOver = false;
  let answeredDuringBurst: boolean | undefined;
  const last = server.nextDiagnostics(uri, (params) => params.version === edits + 1, 60_000);
  for (let i = 0; i < edits; i++) {
    server.change(uri, i + 2, [typedAt(LINES >> 2, 39 + i)]);
    if (i === edits >> 2) void server.hover(other, 0, 20).then((hover) => (answeredDuringBurst = !burstOver && hover !== null));
    await sleep(2);
  }
  burstOver = true;
  await last; // the last edit's version is diagnosed
  assert.equal(answeredDuringBurst, true, 'the hover was answered before the burst ended');
});
