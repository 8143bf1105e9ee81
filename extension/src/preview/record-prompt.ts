// What a preview generates from a record: its conversation up to the last assistant turn (the prompt) and that turn's
// content (the expected response). Pure: the CodeLens, the preview, the comparison and their tests share it.
import type { CanonicalExample } from '../../../contracts/src/dataset-types';
import type { ChatTurnParams } from '../../../contracts/src/worker/generation-protocol';

export type PreviewParts = { prompt: ChatTurnParams[]; expected: string } | { problem: string };

export function previewParts(example: CanonicalExample): PreviewParts {
  if (example.format === 'text') return { problem: 'a plain-text record has no prompt to answer: preview needs a conversation' };
  let last = -1;
  for (let index = example.turns.length - 1; index >= 0; index--) {
    if (example.turns[index].role === 'assistant') {
      last = index;
      break;
    }
  }
  if (last < 0) return { problem: 'the record has no assistant turn to compare with' };
  const prompt = example.turns.slice(0, last).map((turn) => ({ role: turn.role, content: turn.content }));
  if (!prompt.some((turn) => turn.role === 'user' || turn.role === 'tool')) return { problem: 'the record has no user turn before its last assistant turn' };
  return { prompt, expected: example.turns[last].content };
}

export type PreferenceParts = { prompt: ChatTurnParams[]; chosen: string; rejected: string } | { problem: string };

/** A preference record's shared prompt and its two answers, as the trainer splits them (CanonicalExample.preference). */
export function preferenceParts(example: CanonicalExample): PreferenceParts {
  if (!example.preference) return { problem: 'the record is not a preference pair' };
  const { promptTurns, rejected } = example.preference;
  const prompt = example.turns.slice(0, promptTurns).map((turn) => ({ role: turn.role, content: turn.content }));
  if (prompt.length === 0) return { problem: 'the pair has no prompt' };
  return { prompt, chosen: answerText(example.turns.slice(promptTurns)), rejected: answerText(rejected.slice(promptTurns)) };
}

/** An answer as shown: its one assistant turn's text, or (a multi-turn answer) each turn under its role. */
function answerText(turns: ReadonlyArray<{ role: string; content: string }>): string {
  return turns.length === 1 ? turns[0].content : turns.map((turn) => `[${turn.role}] ${turn.content}`).join('\n\n');
}
