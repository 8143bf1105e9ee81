// short-response: the final assistant answer is shorter than `minResponseChars` (CJK characters count double):
// usually a label, a stub or a truncated scrape rather than an answer worth learning.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';
import { visibleLength } from './util';

export const meta: RuleMeta = {
  id: 'short-response',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'The final assistant response is shorter than `minResponseChars` characters (CJK characters count double).',
};

export function check(record: RecordContext): void {
  if (record.format === 'text') return;
  const answer = record.lastAssistant;
  if (answer < 0) return;
  const content = record.turns[answer].content;
  // a CJK character counts at most double, so twice the minimum in code units is always enough
  if (content.length >= record.settings.minResponseChars * 2 && content.trim().length >= record.settings.minResponseChars * 2) return;
  const length = visibleLength(content);
  // empty answers are empty-field's
  if (length === 0 || length >= record.settings.minResponseChars) return;
  const fields = record.fieldsOf(answer);
  const field = fields[fields.length - 1];
  if (field) record.report(meta, { path: field.path }, `the response is only ${length} character${length === 1 ? '' : 's'} (minimum ${record.settings.minResponseChars})`);
}
