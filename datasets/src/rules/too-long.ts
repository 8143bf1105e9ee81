// too-long: the rendered example has more tokens than the maximum sequence length, so the trainer would truncate it
// (and usually cut the answer). Counts come from the base model's tokenizer and chat template when one is
// configured, otherwise from an estimate, and the message says which.
import type { RecordContext } from '../line/record';
import type { TokenCounts } from '../../../contracts/src/dataset-types';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'too-long',
  defaultSeverity: 'warning',
  scope: 'record',
  description: "The rendered example has more tokens than `maxSeqLen` (base model's tokenizer, else an estimate): training would truncate it.",
};

/** The record's counts when it is over the limit, else null; a counter's cheap upper bound skips the exact count. */
export function overLimit(record: RecordContext): TokenCounts | null {
  if (record.turns.length === 0) return null;
  const limit = record.settings.maxSeqLen;
  if (record.tokenUpperBound() <= limit) return rejectedOverLimit(record);
  const counts = record.tokenCounts();
  return counts.total > limit ? counts : rejectedOverLimit(record);
}

/** A preference record trains on both examples: the rejected one is truncated too when it is over the limit. */
function rejectedOverLimit(record: RecordContext): TokenCounts | null {
  const counts = record.rejectedTokenCounts();
  return counts && counts.total > record.settings.maxSeqLen ? counts : null;
}

export function check(record: RecordContext): void {
  const counts = overLimit(record);
  if (!counts) return;
  const limit = record.settings.maxSeqLen;
  const how = counts.estimated ? 'about ' : '';
  const note = counts.estimated ? ' (estimated: set a base model for exact counts)' : '';
  const which = record.sides ? `the ${counts === record.rejectedTokenCounts() ? 'rejected' : 'chosen'} example: ` : '';
  record.report(meta, record.recordTarget(), `${which}${how}${counts.total} tokens, over the maximum sequence length of ${limit}: training would truncate it${note}`);
}
