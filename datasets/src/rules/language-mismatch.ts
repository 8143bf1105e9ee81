// language-mismatch: the prompt and the response are written in different scripts (a Chinese question answered in
// English, say). Translation requests are exempt.
import type { RecordContext } from '../line/record';
import { dominantScript } from '../line/text-stats';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'language-mismatch',
  defaultSeverity: 'info',
  scope: 'record',
  description: 'The prompt and the response are in different scripts (e.g. a Chinese question answered in English); translation requests are exempt.',
};

const MIN_LETTERS = 12;
const TRANSLATION = /translat|翻译|译成|译为|翻譯|traduc|übersetz|перевед|번역|翻訳/i;

export function check(record: RecordContext): void {
  const answer = record.lastAssistant;
  const prompt = record.lastPrompt;
  if (answer < 0 || prompt < 0) return;
  const promptScript = dominantScript(record.turnStats(prompt), MIN_LETTERS);
  const responseScript = dominantScript(record.turnStats(answer), MIN_LETTERS);
  if (!promptScript || !responseScript || promptScript.script === responseScript.script) return;
  if (promptScript.share < 0.6 || responseScript.share < 0.6 || TRANSLATION.test(record.turns[prompt].content)) return;
  const fields = record.fieldsOf(answer);
  const field = fields[fields.length - 1];
  if (field) record.report(meta, { path: field.path }, `the prompt is in ${promptScript.script} script but the response is in ${responseScript.script}`);
}
