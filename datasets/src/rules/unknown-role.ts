// unknown-role: a turn whose role the format does not define (the trainer cannot place it in the conversation).
// Known aliases ("human" in a messages file, "Assistant" in capitals, "bot") get a replacement fix.
import { closest } from '../line/formats';
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';
import { jsonString } from './util';

export const meta: RuleMeta = {
  id: 'unknown-role',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A turn has a role the format does not define (messages: system|user|assistant|tool; ShareGPT: system|human|gpt).',
  fix: 'Replace the role with the one it most likely means.',
};

export function check(record: RecordContext): void {
  const turns = record.spec.turns;
  if (!turns) return;
  const names = [...turns.roles.keys()];
  for (const { object, path } of record.turnObjects) {
    const role = object[turns.roleKey];
    if (typeof role !== 'string' || turns.roles.has(role)) continue;
    const lower = role.trim().toLowerCase();
    const suggestion = turns.roles.has(lower) ? lower : (turns.aliases.get(lower) ?? closest(lower, names));
    const rolePath = [...path, turns.roleKey];
    const message = `unknown role '${role}'${suggestion ? `: did you mean '${suggestion}'?` : ''} (expected ${names.slice(0, 4).join(', ')})`;
    const fixes = suggestion
      ? [{ title: `Change role to '${suggestion}'`, edits: [{ ...record.offsets({ path: rolePath }), newText: jsonString(suggestion) }], preferred: true }]
      : undefined;
    record.report(meta, { path: rolePath }, message, fixes);
  }
}
