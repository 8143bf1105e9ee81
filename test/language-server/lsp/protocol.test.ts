// The language server over the real protocol: open → diagnostics, incremental change → new diagnostics, quick fixes
// and source.fixAll looked up from validation, hovers.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver';
import { ruleDocsUrl } from '../../../contracts/src/lsp-protocol';
import { chat, PROBLEM_LINES, PROBLEM_TEXT, tempWorkspace } from './fixtures';
import { bundleServer, fileUri, startLanguageServer, type LanguageServer } from './harness';

let server: LanguageServer;
let bundle: { file: string; dispose: () => void };
const workspace = tempWorkspace();
let counter = 0;
const newUri = () => fileUri(path.join(workspace.dir, `data-${++counter}.jsonl`));

before(async () => {
  bundle = await bundleServer();
  server = await startLanguageServer({ serverScript: bundle.file, workspaceFolder: workspace.dir });
});

after(async () => {
  assert.equal(await server.stop(), 0, 'shutdown then exit ends the server with code 0');
  bundle.dispose();
  workspace.dispose();
});

function rules(params: PublishDiagnosticsParams): Array<[string, number]> {
  return params.diagnostics.map((d) => [String(d.code), d.range.start.line] as [string, number]).sort();
}

function byRule(params: PublishDiagnosticsParams, rule: string): Diagnostic {
  const found = params.diagnostics.find((d) => d.code === rule);
  assert.ok(found, `a ${rule} diagnostic among ${JSON.stringify(rules(params))}`);
  return found;
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.jsonl', 'jsonl', 1, text), edits);
}

test('the server announces incremental sync, hovers and fix-all code actions', () => {
  const capabilities = server.initializeResult.capabilities;
  assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
  assert.equal(capabilities.hoverProvider, true);
  const kinds = (capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
  assert.ok(kinds.includes('quickfix') && kinds.includes('source.fixAll'));
});

test('opening a dataset publishes located diagnostics with source, code, docs link and related locations', async () => {
  const uri = newUri();
  const published = server.nextDiagnostics(uri);
  server.open(uri, PROBLEM_TEXT, 7);
  const params = await published;
  assert.equal(params.version, 7);
  const found = rules(params);
  for (const expected of [['duplicate', 2], ['pii', 3], ['unknown-key', 4], ['whitespace', 5]] as Array<[string, number]>) {
    assert.ok(found.some(([rule, line]) => rule === expected[0] && line === expected[1]), `${expected[0]} on line ${expected[1]} in ${JSON.stringify(found)}`);
  }
  assert.ok(!found.some(([, line]) => line === 1), 'the clean line 1 has no finding');
  for (const diagnostic of params.diagnostics) {
    assert.equal(diagnostic.source, 'finetune');
    assert.equal(diagnostic.codeDescription?.href, ruleDocsUrl(String(diagnostic.code)));
    assert.match(diagnostic.codeDescription!.href, /#rule-[a-z-]+$/);
  }
  const duplicate = byRule(params, 'duplicate');
  assert.equal(duplicate.severity, 2);
  assert.deepEqual(duplicate.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[uri, 0]]);
  server.close(uri);
});

test('incremental changes re-validate: a duplicate made unique disappears, a broken line appears', async () => {
  const uri = newUri();
  const opened = server.nextDiagnostics(uri);
  server.open(uri, PROBLEM_TEXT, 1);
  await opened;
  // Replace the duplicate's assistant text "Paris." on line 2 by something else: a range edit inside the line.
  const line2 = PROBLEM_LINES[2];
  const at = line2.lastIndexOf('Paris.');
  const changed = server.nextDiagnostics(uri, (p) => p.version === 2);
  server.change(uri, 2, [{ range: { start: { line: 2, character: at }, end: { line: 2, character: at + 'Paris.'.length } }, text: 'Paris, on the Seine.' }]);
  const afterEdit = await changed;
  assert.ok(!rules(afterEdit).some(([rule]) => rule === 'duplicate'), JSON.stringify(rules(afterEdit)));
  assert.ok(rules(afterEdit).some(([rule]) => rule === 'pii'), 'untouched lines keep their findings');
  // Two edits in a row (delete line 1's closing brace, then an empty insertion): diagnostics follow the latest.
  const broken = server.nextDiagnostics(uri, (p) => p.version === 4);
  const end1 = PROBLEM_LINES[1].length;
  server.change(uri, 3, [{ range: { start: { line: 1, character: end1 - 1 }, end: { line: 1, character: end1 } }, text: '' }]);
  server.change(uri, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }]);
  const afterBreak = await broken;
  const syntax = byRule(afterBreak, 'json-syntax');
  assert.equal(syntax.range.start.line, 1);
  assert.equal(syntax.severity, 1);
  // A whole-document replacement (no range) is accepted too.
  const replaced = server.nextDiagnostics(uri, (p) => p.version === 5);
  server.change(uri, 5, [{ text: `${PROBLEM_LINES[0]}\n${PROBLEM_LINES[0]}\n` }]);
  assert.deepEqual(rules(await replaced).filter(([rule]) => rule === 'duplicate'), [['duplicate', 1]]);
  server.close(uri);
});

test('a preference contradiction appears and disappears as either pair is edited, pointing to the other pair', async () => {
  const uri = newUri();
  const pair = (prompt: string, chosen: string, rejected: string) => JSON.stringify({ prompt, chosen, rejected });
  const lines = [pair('Is tea hot?', 'Usually.', 'Never.'), pair('Name a fruit.', 'An apple.', 'A chair.'), pair('Is tea hot?', 'Usually.', 'Rarely.')];
  const contradictions = (params: PublishDiagnosticsParams) =>
    params.diagnostics.filter((d) => d.code === 'preference-contradiction').map((d) => [d.range.start.line, d.message, d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line])]);
  const opened = server.nextDiagnostics(uri);
  server.open(uri, `${lines.join('\n')}\n`, 1);
  // the same prompt and chosen answer with another rejected one is no contradiction
  assert.deepEqual(contradictions(await opened), []);
  // line 2 swaps to prefer "Never." over "Usually."
  const swapped = server.nextDiagnostics(uri, (p) => p.version === 2);
  const from = lines[2].indexOf('"chosen"');
  server.change(uri, 2, [{ range: { start: { line: 2, character: from }, end: { line: 2, character: lines[2].length - 1 } }, text: '"chosen":"Never.","rejected":"Usually."' }]);
  assert.deepEqual(contradictions(await swapped), [[2, 'line 1 prefers the opposite answer for the same prompt', [[uri, 0]]]]);
  // editing the earlier pair's prompt takes it away
  const edited = server.nextDiagnostics(uri, (p) => p.version === 3);
  const tea = lines[0].indexOf('tea');
  server.change(uri, 3, [{ range: { start: { line: 0, character: tea }, end: { line: 0, character: tea + 3 } }, text: 'soup' }]);
  assert.deepEqual(contradictions(await edited), []);
  server.close(uri);
});

test('quick fixes come from validation: delete the duplicate, redact the e-mail, rename the key, trim', async () => {
  const uri = newUri();
  const opened = server.nextDiagnostics(uri);
  server.open(uri, PROBLEM_TEXT, 1);
  const params = await opened;

  const [deleteDuplicate] = await server.codeActions(uri, [byRule(params, 'duplicate')]);
  assert.equal(deleteDuplicate.kind, 'quickfix');
  assert.equal(deleteDuplicate.isPreferred, true);
  assert.equal(deleteDuplicate.diagnostics?.[0].code, 'duplicate');
  const withoutDuplicate = apply(PROBLEM_TEXT, deleteDuplicate.edit!.changes![uri]);
  assert.deepEqual(withoutDuplicate.split('\n'), [...PROBLEM_LINES.slice(0, 2), ...PROBLEM_LINES.slice(3), '']);

  const [redact] = await server.codeActions(uri, [byRule(params, 'pii')]);
  const redacted = apply(PROBLEM_TEXT, redact.edit!.changes![uri]).split('\n')[3];
  assert.doesNotMatch(redacted, /jane\.doe@mailbox\.org/);
  assert.ok(JSON.parse(redacted).messages, 'the redacted line is still valid JSON');

  const [rename] = await server.codeActions(uri, [byRule(params, 'unknown-key')]);
  assert.ok(Object.hasOwn(JSON.parse(apply(PROBLEM_TEXT, rename.edit!.changes![uri]).split('\n')[4]), 'messages'));

  const [trim] = await server.codeActions(uri, [byRule(params, 'whitespace')]);
  const trimmed = JSON.parse(apply(PROBLEM_TEXT, trim.edit!.changes![uri]).split('\n')[5]);
  assert.equal(trimmed.messages[1].content, 'Guten Morgen.');

  // A diagnostic the server never published (stale or foreign) gets no fix.
  const foreign = { ...byRule(params, 'duplicate'), message: 'something else' };
  assert.deepEqual(await server.codeActions(uri, [foreign]), []);
  server.close(uri);
});

test('source.fixAll applies every safe fix at once, and the result re-validates clean of them', async () => {
  const uri = newUri();
  const opened = server.nextDiagnostics(uri);
  server.open(uri, PROBLEM_TEXT, 1);
  await opened;
  const actions = await server.codeActions(uri, [], ['source.fixAll']);
  assert.equal(actions.length, 1);
  assert.ok(actions[0].kind?.startsWith('source.fixAll'));
  const fixed = apply(PROBLEM_TEXT, actions[0].edit!.changes![uri]);
  const lines = fixed.split('\n');
  assert.equal(lines.length, PROBLEM_LINES.length, 'one line (the duplicate) fewer, plus the final empty line');
  const republished = server.nextDiagnostics(uri, (p) => p.version === 2);
  server.change(uri, 2, [{ text: fixed }]);
  const remaining = rules(await republished).map(([rule]) => rule);
  for (const rule of ['duplicate', 'unknown-key', 'whitespace']) assert.ok(!remaining.includes(rule), `${rule} fixed: ${remaining}`);
  // Quick fix requests never include the source action; an empty `only` list of quick fixes gets no fix-all.
  assert.ok((await server.codeActions(uri, [])).every((a) => !a.kind?.startsWith('source')));
  server.close(uri);
});

test('hovers show the format, turns and token counts of the record under the cursor', async () => {
  const uri = newUri();
  const opened = server.nextDiagnostics(uri);
  const text = `${chat('What is two plus two?', 'Two plus two is four.')}\n`;
  server.open(uri, text, 1);
  await opened;
  const hover = await server.hover(uri, 0, 10);
  assert.ok(hover);
  assert.deepEqual(hover.range?.start, { line: 0, character: 0 });
  const contents = hover.contents as { kind: string; value: string };
  assert.equal(contents.kind, 'markdown');
  assert.match(contents.value, /messages/);
  assert.match(contents.value, /\b2\b/, 'two turns');
  assert.match(contents.value, /\/ 2048/, 'the token total is shown against the limit');
  assert.equal(await server.hover(uri, 1, 0), null, 'no hover on the blank last line');
  server.close(uri);
});

test('a large dataset opens in slices: an edit elsewhere is re-validated while it is checked', async () => {
  const small = newUri();
  const smallOpened = server.nextDiagnostics(small);
  server.open(small, `${chat('What is two plus two?', 'Two plus two is four.')}\n`, 1);
  await smallOpened;
  const big = newUri();
  const lines = Array.from({ length: 30_000 }, (_, i) => chat(`Question number ${i} about gardens and rivers?`, `Answer number ${i}: water the garden early, before the heat of the day.`));
  const events: string[] = [];
  const bigChecked = server.nextDiagnostics(big).then(() => events.push('big dataset checked'));
  server.open(big, lines.join('\n'), 1);
  // the check starts once the server has this document's settings and takes over a second: edit well inside it
  while (!server.configurationRequests.includes(big)) await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const edited = server.nextDiagnostics(small, (params) => params.version === 2).then(() => events.push('edit re-validated'));
  server.change(small, 2, [{ text: `${chat('What is two plus three?', 'Two plus three is five.')}\n` }]);
  await Promise.all([edited, bigChecked]);
  // a server that checked the big file in one go would read the edit only after it, and publish the big file first
  assert.deepEqual(events, ['edit re-validated', 'big dataset checked']);
  server.close(big);
  server.close(small);
});

test('closing a document clears its diagnostics', async () => {
  const uri = newUri();
  const opened = server.nextDiagnostics(uri);
  server.open(uri, PROBLEM_TEXT, 1);
  assert.ok((await opened).diagnostics.length > 0);
  const cleared = server.nextDiagnostics(uri);
  server.close(uri);
  assert.deepEqual((await cleared).diagnostics, []);
});
