// `finetune lsp --stdio` runs the same server through the CLI, for any LSP client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROBLEM_TEXT, tempWorkspace } from './fixtures';
import { fileUri, ROOT, startLanguageServer } from './harness';

test('finetune lsp --stdio speaks LSP: initialize, diagnostics, shutdown and exit with code 0', async () => {
  const workspace = tempWorkspace();
  try {
    const server = await startLanguageServer({ workspaceFolder: workspace.dir });
    assert.equal(server.initializeResult.serverInfo?.name, 'finetune-language-server');
    const uri = fileUri(path.join(workspace.dir, 'train.jsonl'));
    const published = server.nextDiagnostics(uri);
    server.open(uri, PROBLEM_TEXT);
    const params = await published;
    assert.ok(params.diagnostics.some((d) => d.code === 'duplicate' && d.range.start.line === 2));
    assert.equal(await server.stop(), 0);
  } finally {
    workspace.dispose();
  }
});

test('finetune lsp without a transport flag fails with a usage error', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/src/main.ts'), 'lsp'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /--stdio/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace for a usage error');
});
