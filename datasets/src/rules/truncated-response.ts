// truncated-response: the final answer stops mid-way: an unclosed ``` code fence, or text that ends mid-word or
// mid-sentence (a lowercase letter or a comma after a long answer; a Chinese comma after text that uses full stops).
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'truncated-response',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'The response looks cut off: an unclosed code fence, or it ends mid-word or mid-sentence.',
};

/** Offset of the opening fence that is never closed, or -1. */
export function unclosedFence(text: string): number {
  const fence = /^[ \t]*(```|~~~)/gm;
  let open = -1;
  let marker = '';
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    if (open < 0) {
      open = match.index + match[0].length - 3;
      marker = match[1];
    } else if (match[1] === marker) open = -1;
  }
  return open;
}

/** Offset where a mid-word or mid-sentence ending starts, or -1. */
export function cutOffEnding(text: string): number {
  const trimmed = text.trimEnd();
  if (trimmed.length < 40) return -1;
  const last = trimmed[trimmed.length - 1];
  if ((last === '，' || last === '、') && /[。！？]/.test(trimmed)) return trimmed.length - 1;
  if (!((last >= 'a' && last <= 'z') || last === ',')) return -1;
  let wordStart = trimmed.length;
  while (wordStart > 0 && !/\s/.test(trimmed[wordStart - 1])) wordStart--;
  const lastWord = trimmed.slice(wordStart);
  // URLs, paths and identifiers legitimately end in lowercase letters; so does prose with no punctuation at all
  if (/[/:_=()[\]{}<>`]/.test(lastWord) || !/[.!?。！？]/.test(trimmed)) return -1;
  // a final list item or heading without a full stop is normal
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1).trimStart();
  if (/^([-*+] |\d+[.)] |#)/.test(lastLine) && last !== ',') return -1;
  return wordStart;
}

export function check(record: RecordContext): void {
  if (record.format === 'text') return;
  const answer = record.lastAssistant;
  if (answer < 0) return;
  const fields = record.fieldsOf(answer);
  const field = fields[fields.length - 1];
  if (!field) return;
  const fence = field.text.includes('```') || field.text.includes('~~~') ? unclosedFence(field.text) : -1;
  if (fence >= 0) {
    record.report(meta, { path: field.path, from: fence, to: fence + 3 }, 'this code fence is never closed: the response looks cut off');
    return;
  }
  const cut = cutOffEnding(field.text);
  if (cut >= 0) record.report(meta, { path: field.path, from: cut, to: field.text.trimEnd().length }, 'the response ends mid-sentence: it looks cut off');
}
