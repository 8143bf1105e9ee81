// role-order: a conversation whose turns are out of order: a system turn that is not first, two user or two
// assistant turns in a row, a conversation that opens with the assistant, a tool result with no call before it,
// or no trained assistant turn at all (nothing to learn from).
import type { RecordContext } from '../line/record';
import type { Role } from '../../../contracts/src/dataset-types';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'role-order',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'Turns are out of order: system not first, two user or assistant turns in a row, or no assistant turn to learn from.',
};

export function check(record: RecordContext): void {
  const spec = record.spec.turns;
  if (!spec) return;
  const turnsField = record.spec.fields.find((field) => field.kind === 'turns');
  if (!turnsField || !Array.isArray(record.value[turnsField.key]) || (record.value[turnsField.key] as unknown[]).length === 0) return;
  const objects = record.turnObjects;
  // with an unknown role the order cannot be judged; unknown-role reports it
  for (const { object } of objects) {
    const name = object[spec.roleKey];
    if (typeof name !== 'string' || !spec.roles.has(name)) return;
  }
  let previous: Role | null = record.value.system !== undefined ? 'system' : null;
  let seenNonSystem = false;
  for (const { object, path } of objects) {
    const role = spec.roles.get(object[spec.roleKey] as string);
    if (!role) continue;
    let problem: string | null = null;
    if (role === 'system' && (seenNonSystem || previous === 'system')) problem = 'a system turn should come first, once';
    else if (role !== 'system' && !seenNonSystem && role !== 'user') problem = `the conversation opens with ${role === 'assistant' ? 'the assistant' : 'a tool result'} instead of the user`;
    else if (role === previous && (role === 'user' || role === 'assistant')) problem = `two ${role} turns in a row: merge them or add the missing turn between`;
    else if (role === 'tool' && previous !== 'assistant' && previous !== 'tool') problem = 'a tool result should follow the assistant turn that called the tool';
    if (problem) record.report(meta, { path: [...path, spec.roleKey] }, problem);
    if (role !== 'system') seenNonSystem = true;
    previous = role;
  }
  if (!record.turns.some((turn) => turn.role === 'assistant' && turn.trained)) {
    record.report(meta, { path: [turnsField.key], part: 'key' }, 'no trained assistant turn: this record teaches the model nothing');
  }
}
