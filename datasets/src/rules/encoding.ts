// encoding: text damaged on its way into the dataset: U+FFFD replacement characters (bytes that were not valid
// UTF-8), mojibake (UTF-8 read as Latin-1/Windows-1252: "Ã©", "â€™", "ä¸­æ–‡"), control characters, zero-width
// characters and unpaired UTF-16 surrogates. Invisible characters get a fix that removes them.
import type { LocalFix, RecordContext } from '../line/record';
import { isControl, isZeroWidth } from '../line/text-stats';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'encoding',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'Damaged text: U+FFFD (invalid UTF-8), mojibake such as "Ã©", control or zero-width characters, lone surrogates.',
  fix: 'Remove the control or zero-width character.',
};

// Windows-1252 renders bytes 0x80–0x9F as these characters; mojibake shows them after a lead byte.
const CP1252_HIGH = '\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178';
const CONTINUATION = `[\\u0080-\\u00bf${CP1252_HIGH}]`;
/** A UTF-8 lead byte read as Latin-1 followed by the right number of continuation bytes read the same way. */
const MOJIBAKE = new RegExp(`[\\u00c2-\\u00df]${CONTINUATION}|[\\u00e0-\\u00ef]${CONTINUATION}{2}|[\\u00f0-\\u00f4]${CONTINUATION}{3}`, 'g');

function describe(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function check(record: RecordContext): void {
  for (const field of record.fields) {
    const stats = record.stats(field);
    const text = field.text;
    if (stats.hasReplacement) {
      const at = text.indexOf('\ufffd');
      record.report(meta, { path: field.path, from: at, to: at + 1 }, 'U+FFFD replacement character: this text was decoded from invalid UTF-8');
    }
    if (stats.hasMojibakeLead) {
      MOJIBAKE.lastIndex = 0;
      const match = MOJIBAKE.exec(text);
      if (match) record.report(meta, { path: field.path, from: match.index, to: match.index + match[0].length }, `mojibake "${match[0]}": UTF-8 text that was decoded as Latin-1 or Windows-1252`);
    }
    if (!stats.hasControl && !stats.hasZeroWidth && !stats.hasLoneSurrogate) continue;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const target = { path: field.path, from: i, to: i + 1 };
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
        record.report(meta, target, `unpaired surrogate ${describe(code)}: not valid Unicode, tokenizers reject or mangle it`, removal(record, target, code));
      } else if (isControl(code)) {
        record.report(meta, target, `control character ${describe(code)}`, removal(record, target, code));
      } else if (isZeroWidth(code)) {
        record.report(meta, target, `invisible zero-width character ${describe(code)}`, removal(record, target, code));
      }
    }
  }
}

function removal(record: RecordContext, target: { path: ReadonlyArray<string | number>; from: number; to: number }, code: number): LocalFix[] {
  return [{ title: `Remove ${describe(code)}`, edits: [{ ...record.offsets(target), newText: '' }], preferred: true }];
}
