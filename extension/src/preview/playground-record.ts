// A playground exchange as a dataset record in the target file's format (through the dataset service's own
// converter, so the record lints the way the rest of the file does). Pure.
import { fromCanonical } from '../../../datasets/src/output/convert';
import type { CanonicalTurn, FormatId } from '../../../contracts/src/dataset-types';
import type { PlaygroundTurn } from '../../../contracts/src/webview/playground-messages';

export function exchangeRecord(system: string, turns: readonly PlaygroundTurn[], format: FormatId): { line: string } | { problem: string } {
  if (turns.length < 2 || turns[turns.length - 1].role !== 'assistant') return { problem: 'the conversation needs a reply from the assistant first' };
  const canonical: CanonicalTurn[] = [
    ...(system.trim() ? [{ role: 'system' as const, content: system, trained: false }] : []),
    ...turns.map((turn) => ({ role: turn.role, content: turn.content, trained: turn.role === 'assistant' })),
  ];
  const record = fromCanonical(canonical, 'messages', format);
  if (typeof record === 'string') return { problem: `this file is in the ${format} format: ${record}` };
  return { line: JSON.stringify(record) };
}

/** The text to append so the record lands on its own line (a file without a final newline gets one first). */
export function appendedText(existing: string, line: string): string {
  return existing.length === 0 || existing.endsWith('\n') ? `${line}\n` : `\n${line}\n`;
}
