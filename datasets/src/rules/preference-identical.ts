// preference-identical: a preference pair whose chosen and rejected answers are the same: the pair carries no
// preference, and DPO's loss on it is constant (its gradient is zero), so it only dilutes the batch.
import { isBlankText, type RecordContext } from '../line/record';
import { sharedPrefix, sideText } from '../line/preference-sides';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'preference-identical',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A preference pair whose chosen and rejected answers are identical: it teaches no preference.',
};

export function check(record: RecordContext): void {
  const sides = record.sides;
  if (!sides) return;
  const { chosen, rejected } = sides;
  if (chosen.length !== rejected.length || sharedPrefix(chosen, rejected) !== chosen.length) return;
  // two blank answers are empty-field's; two whole conversations that are equal leave no answer after the prompt
  const wholeConversations = chosen.length === 0 && sides.prompt.length > 0;
  if (!wholeConversations && isBlankText(sideText(chosen))) return;
  const what = wholeConversations ? 'the same conversation' : 'the same answer';
  record.report(meta, { path: ['rejected'], part: 'key' }, `'chosen' and 'rejected' hold ${what}: the pair teaches no preference`);
}
