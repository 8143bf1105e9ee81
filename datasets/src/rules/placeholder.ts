// placeholder: text that was meant to be replaced: TODO/FIXME/TBD, lorem ipsum, "<answer here>", "[insert …]",
// "待补充".
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'placeholder',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'Placeholder text left in a prompt or response: TODO, FIXME, lorem ipsum, `<answer here>`, `[insert …]`, 待补充.',
};

const PLACEHOLDER =
  /\b(?:TODO|FIXME|TBD)\b|\b[Ll]orem ipsum\b|<(?:[Aa]nswer|[Rr]esponse|[Ii]nsert|[Yy]our|[Pp]laceholder)\b[^<>\n]{0,40}>|\[(?:[Ii]nsert|[Pp]laceholder|[Yy]our (?:answer|response|text))\b[^[\]\n]{0,40}\]|\b[Yy]our (?:answer|response) (?:goes )?here\b|待补充|待填写|此处填写|在此填写/g;

/** Literals of the patterns above: indexOf first, the full expression only when one is present. */
const LITERALS = ['TODO', 'FIXME', 'TBD', 'orem ipsum', '<', '[', 'r answer', 'r response', '待', '填写'];

function mayHoldPlaceholder(text: string): boolean {
  for (const literal of LITERALS) if (text.indexOf(literal) >= 0) return true;
  return false;
}

export function check(record: RecordContext): void {
  for (const field of record.fields) {
    if (!record.stats(field).placeholderHint || !mayHoldPlaceholder(field.text)) continue;
    PLACEHOLDER.lastIndex = 0;
    const match = PLACEHOLDER.exec(field.text);
    if (match) record.report(meta, { path: field.path, from: match.index, to: match.index + match[0].length }, `placeholder text "${match[0]}"`);
  }
}
