// Settings per document over the real protocol: editor settings pulled per document and refreshed on change, the
// workspace config file (found next to the dataset, refreshed when it changes), trust, the size limit, and the
// finetune/* requests the extension's commands use.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { ConvertRequest, RenderExampleRequest, ReportRequest, SetLossesNotification, SettingsRequest } from '../../../contracts/src/lsp-protocol';
import { buildTokenizer } from '../../../engine/src/init/tokenizer-builder';
import { chat, PROBLEM_TEXT, tempWorkspace } from './fixtures';
import { bundleServer, fileUri, startLanguageServer, type LanguageServer } from './harness';

let bundle: { file: string; dispose: () => void };
const workspace = tempWorkspace();
const servers: LanguageServer[] = [];

async function start(options: Parameters<typeof startLanguageServer>[0] = {}): Promise<LanguageServer> {
  const server = await startLanguageServer({ serverScript: bundle.file, workspaceFolder: workspace.dir, ...options });
  servers.push(server);
  return server;
}

before(async () => {
  bundle = await bundleServer();
});

after(async () => {
  for (const server of servers) await server.stop();
  bundle.dispose();
  workspace.dispose();
});

const has = (params: PublishDiagnosticsParams, rule: string) => params.diagnostics.some((d) => d.code === rule);
const severityOf = (params: PublishDiagnosticsParams, rule: string) => params.diagnostics.find((d) => d.code === rule)?.severity;

async function openAndWait(server: LanguageServer, file: string, text: string): Promise<{ uri: string; params: PublishDiagnosticsParams }> {
  const uri = fileUri(file);
  const published = server.nextDiagnostics(uri);
  server.open(uri, text, 1);
  return { uri, params: await published };
}

test('editor settings are read per document and re-read when they change', async () => {
  const server = await start({ settings: { severity: { pii: 'off' } } });
  const { uri, params } = await openAndWait(server, path.join(workspace.dir, 'a.jsonl'), PROBLEM_TEXT);
  assert.ok(server.configurationRequests.includes(uri), 'settings were requested for this document');
  assert.ok(!has(params, 'pii'));
  assert.ok(!has(params, 'too-long'));

  const refreshed = server.nextDiagnostics(uri, (p) => has(p, 'pii'));
  server.changeConfiguration({ severity: { pii: 'error' }, maxSeqLen: 8 });
  const after = await refreshed;
  assert.equal(severityOf(after, 'pii'), 1);
  assert.ok(has(after, 'too-long'), 'maxSeqLen 8 makes every record too long');
  const resolved = await server.connection.sendRequest(SettingsRequest, { uri });
  assert.equal(resolved?.settings.maxSeqLen, 8);
  assert.equal(resolved?.trusted, true);
  server.close(uri);
});

test('finetune.config.json next to the dataset overrides editor settings and is re-read when it changes', async () => {
  const server = await start({ settings: { maxSeqLen: 1024 } });
  const project = path.join(workspace.dir, 'project');
  mkdirSync(path.join(project, 'data'), { recursive: true });
  const configFile = path.join(project, 'finetune.config.json');
  writeFileSync(configFile, JSON.stringify({ maxSeqLen: 4096, rules: { duplicate: 'off' } }));
  const { uri, params } = await openAndWait(server, path.join(project, 'data', 'train.jsonl'), PROBLEM_TEXT);
  assert.ok(!has(params, 'duplicate'));
  const resolved = await server.connection.sendRequest(SettingsRequest, { uri });
  assert.equal(resolved?.configFile, configFile);
  assert.equal(resolved?.settings.maxSeqLen, 4096);

  writeFileSync(configFile, JSON.stringify({ rules: { duplicate: 'error' } }));
  const refreshed = server.nextDiagnostics(uri, (p) => has(p, 'duplicate'));
  await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configFile), type: 2 }] });
  assert.equal(severityOf(await refreshed, 'duplicate'), 1);
  assert.equal((await server.connection.sendRequest(SettingsRequest, { uri }))?.settings.maxSeqLen, 1024, 'back to the editor setting');

  // A broken config file is reported through finetune/serverStatus; validation goes on with the other settings.
  writeFileSync(configFile, '{"rules": {"duplicate": "loud"}}');
  const again = server.nextDiagnostics(uri);
  await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configFile), type: 2 }] });
  assert.ok(has(await again, 'duplicate'));
  const warning = server.statuses.find((s) => s.health === 'warning' && s.message?.includes(configFile));
  assert.ok(warning, JSON.stringify(server.statuses));
  server.close(uri);
});

test('an untrusted workspace never loads a model folder; a trusted one reports an unloadable one', async () => {
  const untrusted = await start({ trusted: false, settings: { baseModel: 'models/tiny' } });
  const first = await openAndWait(untrusted, path.join(workspace.dir, 'u.jsonl'), PROBLEM_TEXT);
  const resolved = await untrusted.connection.sendRequest(SettingsRequest, { uri: first.uri });
  assert.equal(resolved?.trusted, false);
  assert.equal(resolved?.settings.baseModel, undefined);
  assert.ok(first.params.diagnostics.length > 0, 'validation still runs');

  const trusted = await start({ settings: { baseModel: 'models/tiny' } });
  const second = await openAndWait(trusted, path.join(workspace.dir, 't.jsonl'), PROBLEM_TEXT);
  const trustedSettings = await trusted.connection.sendRequest(SettingsRequest, { uri: second.uri });
  assert.equal(trustedSettings?.settings.baseModel, path.join(workspace.dir, 'models/tiny'), 'relative to the workspace folder');
  assert.ok(trusted.statuses.some((s) => s.health === 'warning' && s.message?.includes(path.join(workspace.dir, 'models/tiny'))));
  assert.ok(second.params.diagnostics.length > 0, 'token counts fall back to the estimate');
});

test('a base model whose chat template runs away: the server warns once and validates with estimates', async () => {
  const model = path.join(workspace.dir, 'models', 'runaway');
  mkdirSync(model, { recursive: true });
  const built = buildTokenizer(512, 300);
  writeFileSync(path.join(model, 'tokenizer.json'), JSON.stringify(built.tokenizerJson));
  writeFileSync(path.join(model, 'tokenizer_config.json'), JSON.stringify({ ...built.tokenizerConfig, chat_template: '{% for i in range(10**9) %}x{% endfor %}' }));
  const server = await start({ settings: { baseModel: 'models/runaway' } });
  const started = Date.now();
  const { params } = await openAndWait(server, path.join(workspace.dir, 'runaway.jsonl'), PROBLEM_TEXT);
  assert.ok(params.diagnostics.length > 0, 'validation runs');
  assert.ok(Date.now() - started < 10_000);
  assert.ok(server.statuses.some((s) => s.health === 'warning' && s.message?.includes("key 'chat_template'")), JSON.stringify(server.statuses));
});

test('evalFile: ignored in an untrusted workspace; a path that is not a regular file is reported, not read forever', async () => {
  const record = chat('Who wrote Hamlet?', 'William Shakespeare.');
  writeFileSync(path.join(workspace.dir, 'eval.jsonl'), record + '\n');
  const untrusted = await start({ trusted: false, settings: { evalFile: 'eval.jsonl' } });
  const first = await openAndWait(untrusted, path.join(workspace.dir, 'eval-untrusted.jsonl'), record + '\n');
  assert.equal((await untrusted.connection.sendRequest(SettingsRequest, { uri: first.uri }))?.settings.evalFile, undefined);
  assert.ok(!has(first.params, 'eval-overlap'), 'the eval file was not read');
  const trusted = await start({ settings: { evalFile: 'eval.jsonl' } });
  assert.ok(has((await openAndWait(trusted, path.join(workspace.dir, 'eval-trusted.jsonl'), record + '\n')).params, 'eval-overlap'), 'trusted: it is');

  const started = Date.now();
  const endless = await start({ settings: { evalFile: '/dev/zero' } });
  const { params } = await openAndWait(endless, path.join(workspace.dir, 'eval-endless.jsonl'), record + '\n');
  const problem = params.diagnostics.find((d) => d.code === 'eval-overlap');
  assert.match(typeof problem?.message === 'string' ? problem.message : '', /\/dev\/zero: not a regular file/);
  assert.ok(Date.now() - started < 10_000);
});

test('a document above maxDocumentSizeMB gets one file-too-large diagnostic instead of validation', async () => {
  const server = await start({ settings: { maxDocumentSizeMB: 0.0001 } });
  const { params } = await openAndWait(server, path.join(workspace.dir, 'big.jsonl'), PROBLEM_TEXT.repeat(3));
  assert.deepEqual(params.diagnostics.map((d) => d.code), ['file-too-large']);
});

test('finetune/report, renderExample, convert and setLosses answer for an open document', async () => {
  const server = await start();
  const lines = Array.from({ length: 12 }, (_, i) => chat(`Question number ${i}: what is ${i} times three?`, `${i} times three is ${i * 3}.`));
  lines.push(lines[0]);
  const text = lines.join('\n') + '\n';
  const { uri } = await openAndWait(server, path.join(workspace.dir, 'requests.jsonl'), text);

  const report = await server.connection.sendRequest(ReportRequest, { uri });
  assert.equal(report?.records, 13);
  assert.equal(report?.detectedFormat, 'messages');
  assert.deepEqual(report?.topDuplicates.map((group) => group.lines), [[0, 12]]);
  assert.equal(report?.tokens.counts.reduce((a, b) => a + b, 0), 13);
  assert.equal(await server.connection.sendRequest(ReportRequest, { uri: fileUri(path.join(workspace.dir, 'not-open.jsonl')) }), null);

  const rendered = await server.connection.sendRequest(RenderExampleRequest, { uri, line: 3 });
  assert.ok(rendered);
  assert.equal(rendered.example.format, 'messages');
  const trainedText = rendered.rendered.trainedSpans.map(([start, end]) => rendered.rendered.text.slice(start, end)).join('');
  assert.match(trainedText, /3 times three is 9\./);
  assert.doesNotMatch(trainedText, /Question number 3/, 'the prompt is not trained');
  assert.equal(await server.connection.sendRequest(RenderExampleRequest, { uri, line: 13 }), null, 'the blank last line');

  const converted = await server.connection.sendRequest(ConvertRequest, { uri, targetFormat: 'alpaca' });
  assert.equal(converted?.converted, 13);
  const first = JSON.parse(converted!.text.split('\n')[0]);
  assert.equal(first.instruction, 'Question number 0: what is 0 times three?');
  assert.equal(first.output, '0 times three is 0.');

  const losses: Array<[number, number]> = lines.map((_, line) => [line, line === 5 ? 9.5 : 1 + (line % 3) * 0.01]);
  const flagged = server.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'high-loss'));
  await server.connection.sendNotification(SetLossesNotification, { uri, losses });
  const highLoss = (await flagged).diagnostics.filter((d) => d.code === 'high-loss');
  assert.deepEqual(highLoss.map((d) => d.range.start.line), [5]);
  const cleared = server.nextDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'high-loss'));
  await server.connection.sendNotification(SetLossesNotification, { uri, losses: null });
  await cleared;
});
