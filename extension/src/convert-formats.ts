// The formats a dataset converts to, in the order the picker and the `finetune.format` setting list them. Plain
// data (no vscode import): the settings' manifest entry reads it too.
import type { FormatId } from '../../contracts/src/dataset-types';

export const FORMATS: ReadonlyArray<{ id: FormatId; detail: string }> = [
  { id: 'messages', detail: '{"messages":[{"role","content"}…]} (OpenAI / TRL chat)' },
  { id: 'sharegpt', detail: '{"conversations":[{"from","value"}…]}' },
  { id: 'alpaca', detail: '{"instruction","input","output"}' },
  { id: 'prompt-completion', detail: '{"prompt","completion"}' },
  { id: 'instruction-response', detail: '{"instruction","context","response"}' },
  { id: 'text', detail: '{"text"} (language modelling)' },
  { id: 'preference', detail: '{"prompt","chosen","rejected"} (TRL preference, explicit prompt)' },
  { id: 'preference-implicit', detail: '{"chosen","rejected"} (TRL preference, conversations sharing their prompt)' },
];

export function isFormat(value: unknown): value is FormatId {
  return FORMATS.some((format) => format.id === value);
}
