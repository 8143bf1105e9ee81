// The client's text of an open document as an array of lines, each with its line break ('\r\n', '\r' or '\n', as
// LSP counts lines; the last line has none). An edit replaces only the lines it touches, where TextDocument.update
// rebuilt the whole string and its line offsets (~90 ms an edit on a 100k-line file). The lines of a freshly opened
// document are slices of the text the client sent, which the service's lines slice too: one copy of the text.
import type { ContentChange } from '../../../datasets/src/api';
import type { Position } from '../../../contracts/src/dataset-types';

/** The text's lines, each with its own line break. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code !== 13 && code !== 10) continue;
    if (code === 13 && text.charCodeAt(at + 1) === 10) at++;
    lines.push(text.slice(start, at + 1));
    start = at + 1;
  }
  lines.push(text.slice(start));
  return lines;
}

/** A lone '\r' ends only a line stored with it last ('\r\n' ends in '\n'). */
const endsWithLoneCarriageReturn = (line: string) => line.charCodeAt(line.length - 1) === 13;

function breakLength(line: string): number {
  if (line.endsWith('\r\n')) return 2;
  return line.endsWith('\n') || line.endsWith('\r') ? 1 : 0;
}

export class LineText {
  private lines: string[];
  /** Lines ending in a lone '\r', where the client's lines and the service's part ways (line-breaks.ts). */
  private loneCarriageReturns = 0;
  /** The text as one string while no edit changed it: the string the lines are slices of. */
  private whole: string | null;

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
  ) {
    this.whole = text;
    this.lines = splitLines(text);
    for (const line of this.lines) if (endsWithLoneCarriageReturn(line)) this.loneCarriageReturns++;
  }

  get hasLoneCarriageReturn(): boolean {
    return this.loneCarriageReturns > 0;
  }

  /** The whole text; after edits the lines are sliced again from it, so they and the service share one copy. */
  getText(): string {
    if (this.whole === null) {
      this.whole = this.lines.join('');
      this.lines = splitLines(this.whole);
    }
    return this.whole;
  }

  /** Applies LSP content changes in order: a range replaces the lines it touches, no range the whole text. */
  update(changes: readonly ContentChange[], version: number): void {
    for (const change of changes) {
      if (change.range) this.replace(change.range.start, change.range.end, change.text);
      else this.replaceLines(0, this.lines.length, splitLines(change.text));
    }
    this.whole = null;
    this.version = version;
  }

  /** A position clamped into the text as LSP does: past a line's end is its end, past the last line is the text's end. */
  private clamp({ line, character }: Position): { line: number; character: number } {
    const last = this.lines.length - 1;
    if (line > last) return { line: last, character: this.lines[last].length };
    const text = this.lines[line];
    return { line, character: Math.min(character, text.length - breakLength(text)) };
  }

  private replace(from: Position, to: Position, text: string): void {
    const start = this.clamp(from);
    let end = this.clamp(to);
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) end = start;
    let first = start.line;
    let merged = this.lines[start.line].slice(0, start.character) + text + this.lines[end.line].slice(end.character);
    // a lone '\r' ending the line above and a '\n' starting this one become one '\r\n' line break
    if (start.character === 0 && first > 0 && merged.startsWith('\n') && endsWithLoneCarriageReturn(this.lines[first - 1])) {
      first--;
      merged = this.lines[first] + merged;
    }
    const replaced = splitLines(merged);
    // merged ends with the last replaced line's own line break: the empty line after it is the next line's start
    if (end.line < this.lines.length - 1) replaced.pop();
    this.replaceLines(first, end.line + 1, replaced);
  }

  private replaceLines(start: number, end: number, replacement: string[]): void {
    for (let i = start; i < end; i++) if (endsWithLoneCarriageReturn(this.lines[i])) this.loneCarriageReturns--;
    for (const line of replacement) if (endsWithLoneCarriageReturn(line)) this.loneCarriageReturns++;
    if (end - start === replacement.length) for (let i = 0; i < replacement.length; i++) this.lines[start + i] = replacement[i];
    // a spread of a whole file's lines would overflow the call's arguments
    else if (replacement.length > 10_000) this.lines = this.lines.slice(0, start).concat(replacement, this.lines.slice(end));
    else this.lines.splice(start, end - start, ...replacement);
  }
}
