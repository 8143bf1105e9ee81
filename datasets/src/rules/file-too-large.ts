// file-too-large: an open document above `maxDocumentSizeMB` is not validated in the editor (it would freeze);
// one finding says so and points to `finetune lint`, which streams files of any size.
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'file-too-large',
  defaultSeverity: 'info',
  scope: 'file',
  description: 'The open file is larger than `maxDocumentSizeMB` (default 50), so the editor does not validate it; run `finetune lint` instead.',
};

export function message(sizeMB: number, limitMB: number): string {
  return `this file is ${sizeMB.toFixed(1)} MB, above the editor's limit of ${limitMB} MB, so it is not validated here: run \`npx finetune lint\` on it (it streams files of any size), or raise finetune.maxDocumentSizeMB`;
}
