// refusal-boilerplate: assistant text with the stock phrases of a model that was itself tuned to refuse or to talk
// about being an AI ("As an AI language model…", "作为一个人工智能语言模型…"): fine-tuning on them spreads them.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'refusal-boilerplate',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'A response contains stock refusal or "as an AI language model" boilerplate (English and Chinese).',
};

const ENGLISH =
  /\bas an ai(?: language)? model\b|\bas an? (?:large )?language model\b|\bas an ai(?: assistant)?,? i (?:don't|do not|cannot|can't|am not able)\b|\bi(?:'m| am) (?:sorry|afraid),? (?:but )?i (?:can(?:not|'t)|am unable to|won't be able to) (?:help|assist|fulfill|comply|provide|do that)|\bi cannot (?:fulfill|comply with) (?:this|that|your) request/gi;
const CHINESE = /作为(?:一个|一名)?(?:人工智能|AI|ai)(?:语言模型|助手|模型)|作为(?:一个)?(?:大型)?语言模型|我(?:无法|不能)(?:满足|完成|提供|回答)(?:你|您)的(?:这个)?(?:请求|要求|问题)|(?:抱歉|对不起)，?(?:但)?我(?:无法|不能)(?:提供|回答|帮助|协助)/g;

/** Literals every English pattern holds (as written in practice); indexOf is far cheaper than an /i regex. */
const LITERALS = ['AI', 'anguage model', 'orry', 'fraid', 'annot '];

function mayRefuse(text: string): boolean {
  for (const literal of LITERALS) if (text.indexOf(literal) >= 0) return true;
  return false;
}

export function check(record: RecordContext): void {
  for (const field of record.fields) {
    if (field.role !== 'assistant') continue;
    const stats = record.stats(field);
    // the scan's word hint first (every English alternative needs one of its words), then the literals
    const english = stats.refusalHint && mayRefuse(field.text);
    if (!english && stats.cjkChars === 0) continue;
    const patterns = [english ? ENGLISH : null, stats.cjkChars > 0 ? CHINESE : null];
    for (const regex of patterns) {
      if (!regex) continue;
      regex.lastIndex = 0;
      const match = regex.exec(field.text);
      if (match) {
        record.report(meta, { path: field.path, from: match.index, to: match.index + match[0].length }, `refusal boilerplate: "${match[0]}"`);
        break;
      }
    }
  }
}
