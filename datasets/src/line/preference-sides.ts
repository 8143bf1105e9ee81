// A preference record read as a shared prompt and two answers. The explicit form gives the prompt (a string or a
// list of turns) and each side (a string or a list of turns); the implicit form gives two whole conversations whose
// common prefix is the prompt (TRL's reading), so each side is what follows it.
import type { FormatSpec } from './formats';
import { readTurns, type ReadTurn } from './message-turns';
import type { Role } from '../../../contracts/src/dataset-types';

export type SideName = 'chosen' | 'rejected';

export interface PreferenceSides {
  prompt: ReadTurn[];
  chosen: ReadTurn[];
  rejected: ReadTurn[];
}

/**
 * A preference pair's prompt and answers, each hashed after whitespace and case normalisation as the duplicates' keys
 * are (RecordContext.sideHashes), so a prompt or an answer hashes the same as a string or as turns.
 */
export interface SideHashes {
  prompt: number;
  chosen: number;
  rejected: number;
}

/** A preference pair's answer lengths in characters (UTF-16 code units), for the length-bias finding. */
export interface SideLengths {
  chosen: number;
  rejected: number;
}

/** A side or prompt value as turns: a string is one turn of `role`; anything but a string or a list reads as none. */
function sideTurns(value: unknown, key: string, role: Role, trained: boolean, spec: FormatSpec): ReadTurn[] {
  if (typeof value === 'string') return [{ role, trained, parts: [{ path: [key], text: value }], path: [key] }];
  if (!Array.isArray(value) || !spec.turns) return [];
  // a prompt's turns are context, never trained, whatever their role
  return readTurns(value, [key], spec.turns).map((turn) => (trained ? turn : { ...turn, trained: false }));
}

/** The answer's text, all its turns joined (what length and identity compare). */
export function sideText(side: readonly ReadTurn[]): string {
  return side.map((turn) => turn.parts.map((part) => part.text).join('\n\n')).join('\n\n');
}

function sameTurn(a: ReadTurn, b: ReadTurn): boolean {
  return a.role === b.role && a.parts.length === b.parts.length && a.parts.every((part, i) => part.text === b.parts[i].text);
}

/** How many leading turns the two conversations share. */
export function sharedPrefix(a: readonly ReadTurn[], b: readonly ReadTurn[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && sameTurn(a[shared], b[shared])) shared++;
  return shared;
}

export function readSides(value: Record<string, unknown>, spec: FormatSpec): PreferenceSides {
  if (spec.preference === 'explicit') {
    return {
      prompt: sideTurns(value.prompt, 'prompt', 'user', false, spec),
      chosen: sideTurns(value.chosen, 'chosen', 'assistant', true, spec),
      rejected: sideTurns(value.rejected, 'rejected', 'assistant', true, spec),
    };
  }
  const chosen = sideTurns(Array.isArray(value.chosen) ? value.chosen : null, 'chosen', 'assistant', true, spec);
  const rejected = sideTurns(Array.isArray(value.rejected) ? value.rejected : null, 'rejected', 'assistant', true, spec);
  const shared = sharedPrefix(chosen, rejected);
  // the shared prefix is the prompt: context on both sides, not trained
  return { prompt: chosen.slice(0, shared).map((turn) => ({ ...turn, trained: false })), chosen: chosen.slice(shared), rejected: rejected.slice(shared) };
}
