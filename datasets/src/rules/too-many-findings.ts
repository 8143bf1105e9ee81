// too-many-findings: a summary on line 1 when a document has more findings than `maxFindingsPerFile`; the editor
// shows the first ones (errors first) and the report or `finetune lint` has them all.
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'too-many-findings',
  defaultSeverity: 'info',
  scope: 'file',
  description: 'More findings than `maxFindingsPerFile` (default 1000): the editor shows the first ones; the report and `finetune lint` list all.',
};

export function message(shown: number, total: number): string {
  return `${total} findings in this file; showing ${shown} (errors first). Run \`npx finetune lint\` or open the dataset report for all of them`;
}
