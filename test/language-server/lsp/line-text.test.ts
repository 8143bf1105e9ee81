// LineText, the server's per-line copy of the client's text, against vscode-languageserver-textdocument (the
// reference for how LSP applies an edit): random texts with every kind of line break, random edits, same text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineText } from '../../../language-server/src/lsp/line-text';

function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

test('LineText applies edits as TextDocument does, line breaks of every kind included', () => {
  const next = random(1);
  const pieces = ['a', 'b', '\n', '\r', '\r\n', 'xy', ''];
  const snippet = () => Array.from({ length: next(4) }, () => pieces[next(pieces.length)]).join('');
  for (let trial = 0; trial < 2000; trial++) {
    const text = Array.from({ length: next(8) }, snippet).join('');
    let reference = TextDocument.create('file:///t.jsonl', 'jsonl', 1, text);
    const lines = new LineText('file:///t.jsonl', 1, text);
    for (let version = 2; version < 12; version++) {
      const position = () => ({ line: next(reference.lineCount + 2), character: next(6) });
      let [start, end] = [position(), position()];
      if (reference.offsetAt(start) > reference.offsetAt(end)) [start, end] = [end, start];
      const change = next(10) === 0 ? { text: snippet() } : { range: { start, end }, text: snippet() };
      reference = TextDocument.update(reference, [change], version);
      lines.update([change], version);
      const expected = reference.getText();
      assert.equal(lines.getText(), expected, JSON.stringify({ text, change }));
      assert.equal(lines.hasLoneCarriageReturn, /\r(?!\n)/.test(expected));
      assert.equal(lines.version, version);
    }
  }
});
