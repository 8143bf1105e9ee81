// Where the editor's lines and the dataset's lines part ways. A JSONL record ends at '\n' only ('\r\n' too, the '\r'
// being the line's last character), so a lone '\r' is JSON whitespace inside a record, as `finetune lint` and the
// trainer read it. LSP counts a lone '\r' as a line break, so the client's positions after one are on a later line
// than the service's. Documents without a lone '\r' (nearly all) need no mapping; the others get one per version.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Position, Range } from '../../../contracts/src/dataset-types';

/** Whether `text` holds a '\r' that is not the first half of '\r\n' (a quick indexOf first: most files have none). */
export function hasLoneCarriageReturn(text: string): boolean {
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

/** Converts between the client's positions (LSP lines) and the service's (lines ending at '\n'). */
export class LineBreakMapping {
  /** Offset of each service line's first character. */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly editor: TextDocument) {
    const text = editor.getText();
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.lineStarts.push(at + 1);
  }

  toEditor(position: Position): Position {
    const line = Math.min(position.line, this.lineStarts.length - 1);
    return this.editor.positionAt(this.lineStarts[line] + position.character);
  }

  toEditorRange(range: Range): Range {
    return { start: this.toEditor(range.start), end: this.toEditor(range.end) };
  }

  toService(position: Position): Position {
    const offset = this.editor.offsetAt(position);
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: offset - this.lineStarts[low] };
  }

  /** The finding with every range in this document (its own, same-document related locations, fix edits) mapped. */
  findingToEditor(finding: Finding): Finding {
    return {
      ...finding,
      range: this.toEditorRange(finding.range),
      related: finding.related?.map((related) => (related.uri === undefined ? { ...related, range: this.toEditorRange(related.range) } : related)),
      fixes: finding.fixes?.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, range: this.toEditorRange(edit.range) })) })),
    };
  }
}
