// Converting between TRL's two preference forms: explicit (prompt, chosen, rejected) and implicit (two whole
// conversations). Both hold the same pair, so the conversion is lossless; turns are written as messages.
import type { ReadTurn } from '../line/message-turns';
import type { RecordContext } from '../line/record';
import type { FormatId } from '../../../contracts/src/dataset-types';

function messages(turns: readonly ReadTurn[]): Array<Record<string, unknown>> | string {
  const out: Array<Record<string, unknown>> = [];
  for (const turn of turns) {
    if (!turn.role) return 'a turn has a role the messages format does not define';
    out.push({ role: turn.role, content: turn.parts.map((part) => part.text).join('\n\n') });
  }
  return out;
}

/** The pair in the other preference form, or the reason it cannot be written there. */
export function convertPreference(record: RecordContext, target: FormatId): Record<string, unknown> | string {
  const sides = record.sides;
  if (!sides) return 'not a preference record';
  const prompt = messages(sides.prompt);
  const chosen = messages(sides.chosen);
  const rejected = messages(sides.rejected);
  if (typeof prompt === 'string') return prompt;
  if (typeof chosen === 'string') return chosen;
  if (typeof rejected === 'string') return rejected;
  if (chosen.length === 0 || rejected.length === 0) return 'a side has no answer';
  if (target === 'preference') {
    // the implicit form's prompt is what both conversations share: with nothing shared there is no prompt to write
    if (prompt.length === 0) return 'the two conversations share no prompt turns';
    return { prompt, chosen, rejected };
  }
  return { chosen: [...prompt, ...chosen], rejected: [...prompt, ...rejected] };
}
