// The dataset formats as data: which keys each format has, what type they hold and which conversation role they
// feed. Detection, normalisation and the structure rules all read these specs, so a format is described once.
import type { FormatId, Role } from '../../../contracts/src/dataset-types';

/** 'side': a preference record's prompt, chosen or rejected: a string, or a list of turns. */
export type FieldKind = 'string' | 'turns' | 'pairs' | 'side' | 'any';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  required: boolean;
  /** An empty string is fine (alpaca's `input`, dolly's `context`). */
  allowEmpty?: boolean;
  /** For string fields: the role the text feeds in the canonical conversation. */
  role?: Role;
}

export interface TurnsSpec {
  roleKey: string;
  contentKey: string;
  /**
   * Accepted role names → canonical role. Maps, not object literals: a role is user text, and on a plain object
   * `'toString' in roles` is true and `roles.constructor` is a function.
   */
  roles: ReadonlyMap<string, Role>;
  /** Role names other tools use, with what they most likely mean (for "did you mean" and a fix). */
  aliases: ReadonlyMap<string, string>;
  /** Other keys a turn may carry. */
  optionalKeys: string[];
}

export interface FormatSpec {
  id: FormatId;
  fields: FieldSpec[];
  turns?: TurnsSpec;
  /** A preference format: its records hold a chosen and a rejected answer (preference-sides.ts reads them). */
  preference?: 'explicit' | 'implicit';
}

function mapOf<Value>(entries: Record<string, Value>): ReadonlyMap<string, Value> {
  return new Map(Object.entries(entries));
}

const MESSAGE_TURNS: TurnsSpec = {
  roleKey: 'role',
  contentKey: 'content',
  roles: mapOf({ system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' }),
  aliases: mapOf({ human: 'user', gpt: 'assistant', bot: 'assistant', model: 'assistant', ai: 'assistant', developer: 'system', function: 'tool', ipython: 'tool' }),
  optionalKeys: ['weight', 'train', 'name', 'tool_calls', 'tool_call_id', 'refusal'],
};

const SHAREGPT_TURNS: TurnsSpec = {
  roleKey: 'from',
  contentKey: 'value',
  roles: mapOf<Role>({ system: 'system', human: 'user', gpt: 'assistant', user: 'user', assistant: 'assistant', tool: 'tool', function_call: 'assistant', observation: 'tool', function: 'tool' }),
  aliases: mapOf({ bot: 'gpt', model: 'gpt', ai: 'gpt', chatgpt: 'gpt', humans: 'human', sys: 'system' }),
  optionalKeys: ['weight', 'train'],
};

export const FORMAT_SPECS: Record<FormatId, FormatSpec> = {
  messages: {
    id: 'messages',
    fields: [
      { key: 'messages', kind: 'turns', required: true },
      { key: 'tools', kind: 'any', required: false },
    ],
    turns: MESSAGE_TURNS,
  },
  sharegpt: {
    id: 'sharegpt',
    fields: [
      { key: 'conversations', kind: 'turns', required: true },
      { key: 'system', kind: 'string', required: false, role: 'system' },
      { key: 'tools', kind: 'any', required: false },
    ],
    turns: SHAREGPT_TURNS,
  },
  alpaca: {
    id: 'alpaca',
    fields: [
      { key: 'system', kind: 'string', required: false, role: 'system' },
      { key: 'history', kind: 'pairs', required: false },
      { key: 'instruction', kind: 'string', required: true, role: 'user' },
      { key: 'input', kind: 'string', required: false, allowEmpty: true, role: 'user' },
      { key: 'output', kind: 'string', required: true, role: 'assistant' },
    ],
  },
  'prompt-completion': {
    id: 'prompt-completion',
    fields: [
      { key: 'prompt', kind: 'string', required: true, role: 'user' },
      { key: 'completion', kind: 'string', required: true, role: 'assistant' },
    ],
  },
  'instruction-response': {
    id: 'instruction-response',
    fields: [
      { key: 'instruction', kind: 'string', required: true, role: 'user' },
      { key: 'context', kind: 'string', required: false, allowEmpty: true, role: 'user' },
      { key: 'response', kind: 'string', required: true, role: 'assistant' },
    ],
  },
  text: {
    id: 'text',
    fields: [{ key: 'text', kind: 'string', required: true, role: 'assistant' }],
  },
  preference: {
    id: 'preference',
    fields: [
      { key: 'prompt', kind: 'side', required: true, role: 'user' },
      { key: 'chosen', kind: 'side', required: true, role: 'assistant' },
      { key: 'rejected', kind: 'side', required: true, role: 'assistant' },
    ],
    turns: MESSAGE_TURNS,
    preference: 'explicit',
  },
  'preference-implicit': {
    id: 'preference-implicit',
    fields: [
      { key: 'chosen', kind: 'turns', required: true },
      { key: 'rejected', kind: 'turns', required: true },
    ],
    turns: MESSAGE_TURNS,
    preference: 'implicit',
  },
};

/** Each format's key lists, derived once from its spec (rules check every record against them). */
export interface FormatKeys {
  /** Top-level keys the format requires. */
  required: string[];
  /** Every top-level key it defines. */
  defined: string[];
  /** The keys a turn may carry (none for formats without turns). */
  turn: string[];
}

export const FORMAT_KEYS = Object.fromEntries(
  Object.values(FORMAT_SPECS).map((spec) => {
    const turns = spec.turns;
    const keys: FormatKeys = {
      required: spec.fields.filter((field) => field.required).map((field) => field.key),
      defined: spec.fields.map((field) => field.key),
      turn: turns ? [turns.roleKey, turns.contentKey, ...turns.optionalKeys] : [],
    };
    return [spec.id, keys];
  }),
) as Record<FormatId, FormatKeys>;

/** Detection order: when a record has the required keys of several formats, the first wins. */
export const FORMAT_ORDER: readonly FormatId[] = ['messages', 'sharegpt', 'alpaca', 'instruction-response', 'prompt-completion', 'text', 'preference', 'preference-implicit'];

/** Bookkeeping keys datasets commonly carry; the trainer ignores them and `unknown-key` stays quiet about them. */
export const PASSTHROUGH_KEYS = new Set([
  'id', 'uuid', 'idx', 'source', 'metadata', 'meta', 'category', 'tags', 'lang', 'language', 'split', 'url', 'title',
  'dataset', 'task', 'license', 'created_at', 'timestamp', 'quality', 'score',
]);

/** The format whose required keys a record has, by FORMAT_ORDER; null when it has none's. */
export function decisiveFormat(keys: ReadonlySet<string> | Record<string, unknown>): FormatId | null {
  const has = (key: string) => (keys instanceof Set ? keys.has(key) : Object.prototype.hasOwnProperty.call(keys, key));
  for (const id of FORMAT_ORDER) {
    if (FORMAT_KEYS[id].required.every(has)) return id;
  }
  return null;
}

/** Levenshtein distance, capped: returns cap+1 as soon as the distance must exceed cap. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > cap) return cap + 1;
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate within a small edit distance (case-insensitive), for "did you mean". */
export function closest(name: string, candidates: Iterable<string>): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = candidate === lower ? 0 : editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance <= bestDistance && (best === null || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * A best guess for a record without the required keys of any format (typos, missing keys): the format sharing the
 * most keys with it, counting near-misses; null when nothing resembles a known format.
 */
export function guessFormat(keys: readonly string[]): FormatId | null {
  let best: FormatId | null = null;
  let bestScore = 0;
  for (const id of FORMAT_ORDER) {
    const names = FORMAT_KEYS[id].defined;
    let score = 0;
    for (const key of keys) {
      if (names.includes(key)) score += 2;
      else if (closest(key, names)) score += 1;
    }
    if (score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  return best;
}
