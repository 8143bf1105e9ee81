// chat-template: the base model's chat template raises for this record (Mistral's "conversation roles must
// alternate", a template without a system role…), so the trainer cannot render it. Only with a base model: the
// estimate renders nothing. The record's token counts fall back to the estimate.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'chat-template',
  defaultSeverity: 'error',
  scope: 'record',
  description: "The base model's chat template refuses the record (e.g. roles that must alternate, no system role): training cannot render it.",
};

export function check(record: RecordContext): void {
  if (record.turns.length === 0 || record.tokens.estimated) return;
  // a finite bound means the template rendered the record; only +∞ (no bound, or a refusal) needs the full count
  if (Number.isFinite(record.tokenUpperBound())) return;
  const refusal = record.tokenCounts().refusal;
  if (refusal) record.report(meta, record.recordTarget(), `the chat template of the base model refuses this record: ${refusal}`);
}
