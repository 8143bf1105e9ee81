// whitespace: leading or trailing whitespace in a prompt or response. Chat templates add their own separators, so
// stray spaces and newlines become tokens the model learns to produce.
import { isWhitespaceCode } from '../line/hash';
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'whitespace',
  defaultSeverity: 'info',
  scope: 'record',
  description: 'A prompt or response starts or ends with whitespace (spaces, newlines) that the model would learn.',
  fix: 'Trim the whitespace.',
};

export function check(record: RecordContext): void {
  if (record.format === 'text') return;
  for (const field of record.fields) {
    const text = field.text;
    if (text.length === 0 || (!isWhitespaceCode(text.charCodeAt(0)) && !isWhitespaceCode(text.charCodeAt(text.length - 1)))) continue;
    if (text.trim() === '') continue;
    const leading = text.length - text.trimStart().length;
    const trailing = text.length - text.trimEnd().length;
    const spans: Array<[number, number, string]> = [];
    if (leading > 0) spans.push([0, leading, 'leading']);
    if (trailing > 0) spans.push([text.length - trailing, text.length, 'trailing']);
    for (const [from, to, where] of spans) {
      const target = { path: field.path, from, to };
      record.report(meta, target, `${where} whitespace`, [{ title: 'Trim whitespace', edits: [{ ...record.offsets(target), newText: '' }], preferred: true }]);
    }
  }
}
