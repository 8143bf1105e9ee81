// "Convert Dataset Format…": rewrites every record in another format through the canonical conversation. Records
// the target cannot express (a multi-turn chat as prompt/completion, a chat as plain text) are kept out and listed,
// never silently mangled. Bookkeeping keys (id, source, …) travel along.
import { analyzeLine, lineRecord } from '../line/analyze-line';
import { convertPreference } from './convert-preference';
import { FORMAT_SPECS, PASSTHROUGH_KEYS } from '../line/formats';
import { defaultSettings } from '../settings';
import { createEstimateTokenCounter } from '../tokens/token-estimate';
import type { CanonicalTurn, ConversionResult, FormatId } from '../../../contracts/src/dataset-types';

const SHAREGPT_ROLE = { system: 'system', user: 'human', assistant: 'gpt', tool: 'tool' } as const;

type Converted = Record<string, unknown> | string;

/** The record in `target`, or the reason it cannot be expressed there. */
export function fromCanonical(turns: readonly CanonicalTurn[], source: FormatId, target: FormatId): Converted {
  // the canonical conversation of a preference record is its chosen side only: converting it would drop the rejected one
  if (FORMAT_SPECS[source].preference) return 'a preference record has two answers: no other format holds both';
  if (FORMAT_SPECS[target].preference) return 'a record with one answer has no rejected answer for a preference format';
  if (target === 'text') {
    if (source !== 'text') return 'a conversation has no plain-text form without a chat template';
    return { text: turns.map((turn) => turn.content).join('') };
  }
  if (source === 'text') return 'plain text has no prompt and response to convert';
  if (target === 'messages') {
    return {
      messages: turns.map((turn) => {
        const message: Record<string, unknown> = { role: turn.role, content: turn.content };
        if (turn.trained !== (turn.role === 'assistant')) message.train = turn.trained;
        return message;
      }),
    };
  }
  if (target === 'sharegpt') return { conversations: turns.map((turn) => ({ from: SHAREGPT_ROLE[turn.role], value: turn.content })) };
  const system = turns[0]?.role === 'system' ? turns[0].content : null;
  const rest = system === null ? turns : turns.slice(1);
  const alternates = rest.length >= 2 && rest.length % 2 === 0 && rest.every((turn, i) => turn.role === (i % 2 === 0 ? 'user' : 'assistant'));
  if (!alternates) return `the ${target} format needs user/assistant turns in alternation`;
  const last = rest.length - 1;
  if (target === 'alpaca') {
    const record: Record<string, unknown> = {};
    if (system !== null) record.system = system;
    if (rest.length > 2) record.history = Array.from({ length: (rest.length - 2) / 2 }, (_, i) => [rest[2 * i].content, rest[2 * i + 1].content]);
    record.instruction = rest[last - 1].content;
    record.input = '';
    record.output = rest[last].content;
    return record;
  }
  if (rest.length > 2) return `the ${target} format holds a single exchange, this conversation has ${rest.length / 2}`;
  if (system !== null) return `the ${target} format has no place for a system prompt`;
  if (target === 'prompt-completion') return { prompt: rest[0].content, completion: rest[1].content };
  return { instruction: rest[0].content, response: rest[1].content };
}

export function convertDataset(text: string, target: FormatId): ConversionResult {
  const settings = defaultSettings();
  const counter = createEstimateTokenCounter();
  const lineBreak = text.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  const skipped: ConversionResult['skipped'] = [];
  text.split('\n').forEach((raw, line) => {
    const analysis = analyzeLine(raw, settings, counter, null);
    if (analysis.kind === 'blank') return;
    if (analysis.kind === 'invalid' || !analysis.turns || !analysis.format) {
      skipped.push({ line, reason: analysis.findings[0]?.message ?? 'not a record of a known format' });
      return;
    }
    // between the two preference forms the pair itself converts; fromCanonical only knows one answer per record
    const pairToPair = FORMAT_SPECS[analysis.format].preference && FORMAT_SPECS[target].preference;
    const record = pairToPair ? lineRecord(raw, settings, counter, null) : null;
    const converted = record ? convertPreference(record, target) : fromCanonical(analysis.turns, analysis.format, target);
    if (typeof converted === 'string') {
      skipped.push({ line, reason: converted });
      return;
    }
    const original = JSON.parse(raw.replace(/^\ufeff/, '')) as Record<string, unknown>;
    const kept = Object.fromEntries(Object.entries(original).filter(([key]) => PASSTHROUGH_KEYS.has(key)));
    out.push(JSON.stringify({ ...kept, ...converted }));
  });
  return { text: out.length ? out.join(lineBreak) + lineBreak : '', converted: out.length, skipped };
}
