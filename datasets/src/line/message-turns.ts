// A list of turn objects (messages, ShareGPT conversations, a preference side) read into roles and text parts:
// the one reading the canonical conversation and the preference sides share.
import type { TurnsSpec } from './formats';
import type { JsonPath } from './json-scan';
import type { Role } from '../../../contracts/src/dataset-types';

export interface TextPart {
  path: JsonPath;
  text: string;
}

export interface ReadTurn {
  /** Null for a role the format does not define: not part of the conversation (unknown-role says why). */
  role: Role | null;
  trained: boolean;
  parts: TextPart[];
  /** The turn object's path (a string value's own path when a preference side is a plain string). */
  path: JsonPath;
}

/** Message content: a string, null (a tool call), or OpenAI-style parts [{type:'text', text}]. */
export function contentParts(content: unknown, path: JsonPath): TextPart[] {
  if (typeof content === 'string') return [{ path, text: content }];
  if (!Array.isArray(content)) return [];
  const parts: TextPart[] = [];
  content.forEach((part, index) => {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') parts.push({ path: [...path, index, 'text'], text: (part as { text: string }).text });
  });
  return parts;
}

/** The turn objects of `list` (at `path`) in order; elements that are not objects are wrong-type's business. */
export function readTurns(list: readonly unknown[], path: JsonPath, turns: TurnsSpec): ReadTurn[] {
  const read: ReadTurn[] = [];
  list.forEach((message, index) => {
    if (!message || typeof message !== 'object' || Array.isArray(message)) return;
    const object = message as Record<string, unknown>;
    const roleName = object[turns.roleKey];
    const role = (typeof roleName === 'string' ? turns.roles.get(roleName) : undefined) ?? null;
    let trained = role === 'assistant';
    if (typeof object.train === 'boolean') trained = object.train;
    else if (typeof object.weight === 'number') trained = object.weight > 0;
    read.push({ role, trained, parts: contentParts(object[turns.contentKey], [...path, index, turns.contentKey]), path: [...path, index] });
  });
  return read;
}
