// echo: the response repeats the prompt (the same text after whitespace/case normalisation, or the prompt plus
// little else): the model would learn to parrot.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'echo',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'The response repeats the prompt (identical after normalisation, or the prompt with little added).',
};

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function check(record: RecordContext): void {
  const answer = record.lastAssistant;
  const prompt = record.lastPrompt;
  if (answer < 0 || prompt < 0) return;
  const questionText = record.turns[prompt].content;
  const responseText = record.turns[answer].content;
  if (questionText.length === 0 || responseText.length === 0) return;
  const same = record.turnHash(prompt) === record.turnHash(answer);
  // the costlier containment test only when the lengths allow it: a response at most 20% longer than the prompt
  const mayContain = !same && questionText.length >= 20 && responseText.length >= questionText.length && responseText.length <= questionText.length * 1.3 + 20;
  if (!same && !(mayContain && normalise(responseText).includes(normalise(questionText)))) return;
  const question = normalise(questionText);
  const response = normalise(responseText);
  if (!same && response.length > question.length * 1.2 + 10) return;
  const fields = record.fieldsOf(answer);
  const field = fields[fields.length - 1];
  if (field) record.report(meta, { path: field.path }, same ? 'the response is the prompt, repeated' : 'the response mostly repeats the prompt');
}
