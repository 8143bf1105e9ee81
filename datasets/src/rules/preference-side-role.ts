// preference-side-role: a preference answer that is not the assistant's: a chosen or rejected turn from the user or
// the system, or (implicit form) a conversation with nothing after the prompt both sides share. DPO scores the
// answer's tokens, so such a pair scores the wrong text or none.
import type { RecordContext } from '../line/record';
import type { SideName } from '../line/preference-sides';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'preference-side-role',
  defaultSeverity: 'warning',
  scope: 'record',
  description: "A preference answer is not an assistant turn (a user or system turn in 'chosen'/'rejected', or no answer after the shared prompt).",
};

const SIDES: readonly SideName[] = ['chosen', 'rejected'];

export function check(record: RecordContext): void {
  const sides = record.sides;
  if (!sides) return;
  for (const name of SIDES) {
    const side = sides[name];
    const value = record.value[name];
    if (side.length === 0) {
      // an empty list is empty-field's; a conversation that ends where the prompt does has no answer
      if (record.spec.preference === 'implicit' && Array.isArray(value) && value.length > 0) record.report(meta, { path: [name], part: 'key' }, `'${name}' has no answer after the prompt both sides share`);
      continue;
    }
    for (const turn of side) {
      // null roles are unknown-role's; tool results may sit between the assistant's calls and its answer
      if (turn.role === 'user' || turn.role === 'system') record.report(meta, { path: [...turn.path, 'role'] }, `a ${turn.role} turn in '${name}': the answer should be the assistant's`);
    }
  }
}
