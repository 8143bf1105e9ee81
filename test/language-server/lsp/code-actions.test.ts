// Fix-all merging and the lookup of fixes by diagnostic, without a server: the pieces the protocol tests rely on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeActions, fixAllEdits } from '../../../language-server/src/lsp/code-actions';
import { FindingIndex, toDiagnostic } from '../../../language-server/src/lsp/diagnostics';
import type { Finding, Fix } from '../../../contracts/src/dataset-types';

const range = (line: number, start: number, end: number, endLine = line) => ({ start: { line, character: start }, end: { line: endLine, character: end } });
const fix = (title: string, edits: Array<[ReturnType<typeof range>, string]>, preferred = true): Fix => ({
  title,
  preferred,
  edits: edits.map(([r, newText]) => ({ range: r, newText })),
});
const finding = (rule: string, at: ReturnType<typeof range>, fixes: Fix[]): Finding => ({ rule, severity: 'warning', range: at, message: `${rule} here`, fixes });

test('fix-all takes preferred fixes in document order and skips one that overlaps a fix already taken', () => {
  const findings = [
    finding('whitespace', range(3, 10, 12), [fix('trim', [[range(3, 10, 12), '']])]),
    finding('duplicate', range(1, 0, 5), [fix('delete line', [[range(1, 0, 0, 2), '']])]),
    // starts before the trim on line 3 and overlaps it: taken first, the trim is left for the next run
    finding('pii', range(3, 8, 20), [fix('redact', [[range(3, 8, 20), '[EMAIL]']])]),
    // not preferred: never applied without looking
    finding('near-duplicate', range(5, 0, 5), [fix('delete line', [[range(5, 0, 0, 6), '']], false)]),
    // the same fix reported by two findings is applied once
    finding('duplicate', range(1, 0, 5), [fix('delete line', [[range(1, 0, 0, 2), '']])]),
  ];
  assert.deepEqual(
    fixAllEdits(findings).map((edit) => [edit.range.start.line, edit.range.start.character, edit.newText]),
    [
      [1, 0, ''],
      [3, 8, '[EMAIL]'],
    ],
  );
});

test('two insertions at the same place conflict; an insertion touching a replacement does not', () => {
  const findings = [
    finding('a', range(0, 4, 4), [fix('insert a', [[range(0, 4, 4), 'a']])]),
    finding('b', range(0, 4, 4), [fix('insert b', [[range(0, 4, 4), 'b']])]),
    finding('c', range(0, 0, 4), [fix('replace', [[range(0, 0, 4), 'x']])]),
  ];
  assert.deepEqual(fixAllEdits(findings).map((edit) => edit.newText).sort(), ['a', 'x']);
});

test('quick fixes are found for the diagnostics the server published, and source.fixAll only when asked', () => {
  const uri = 'file:///d.jsonl';
  const findings = [
    finding('duplicate', range(2, 1, 11), [fix('Delete this line', [[range(2, 0, 0, 3), '']])]),
    finding('whitespace', range(4, 3, 6), [fix('Trim whitespace', [[range(4, 3, 6), '']])]),
  ];
  const index = new FindingIndex(3, findings);
  const diagnostic = toDiagnostic(findings[0], uri);
  const quick = codeActions({ textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } }, index);
  assert.deepEqual(quick.map((action) => [action.kind, action.title]), [
    ['quickfix', 'Delete this line'],
    ['quickfix', 'Fix all auto-fixable dataset problems'],
  ]);
  assert.equal(quick[1].edit?.changes?.[uri].length, 2);
  const onSave = codeActions({ textDocument: { uri }, range: range(0, 0, 0), context: { diagnostics: [], only: ['source.fixAll'] } }, index);
  assert.deepEqual(onSave.map((action) => action.kind), ['source.fixAll.finetune']);
  const sourceMenu = codeActions({ textDocument: { uri }, range: range(0, 0, 0), context: { diagnostics: [], only: ['source.organizeImports'] } }, index);
  assert.deepEqual(sourceMenu, []);
});
