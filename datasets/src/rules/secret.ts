// secret: credentials in training text: API keys (OpenAI, Anthropic, GitHub, AWS, Slack, Google, Hugging Face,
// Stripe), JSON web tokens and private key blocks. A model that learns them can repeat them to anyone.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'secret',
  defaultSeverity: 'error',
  scope: 'record',
  description: 'A credential: API keys and tokens (OpenAI, GitHub, AWS, Slack, Google, Hugging Face, Stripe), JWTs, private keys.',
  fix: 'Replace the credential with [REDACTED].',
};

const SECRET = new RegExp(
  [
    '(?<![A-Za-z0-9_-])sk-(?:proj-|ant-(?:api\\d\\d-)?)?[A-Za-z0-9_-]{20,}',
    '(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,}',
    '(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{22,}',
    '(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])',
    '(?<![A-Za-z0-9])xox[baprs]-[0-9A-Za-z-]{10,}',
    '(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}',
    '(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}',
    '(?<![A-Za-z0-9])[rs]k_live_[0-9A-Za-z]{20,}',
    '-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----',
    '(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}',
  ].join('|'),
  'g',
);

/** Every pattern above holds one of these literals; indexOf (vectorised) keeps clean text cheap. */
const LITERALS = ['sk-', 'hp_', 'ho_', 'hu_', 'hs_', 'hr_', 'github_pat_', 'AKIA', 'ASIA', 'xox', 'AIza', 'hf_', 'k_live_', 'PRIVATE KEY', 'eyJ'];

function mayHoldSecret(text: string): boolean {
  for (const literal of LITERALS) if (text.indexOf(literal) >= 0) return true;
  return false;
}

/** Random keys mix letters and digits; this keeps `sk-this-is-a-long-hyphenated-phrase` out. */
function looksRandom(token: string): boolean {
  return token.startsWith('-----') || (/[0-9]/.test(token) && /[A-Za-z]/.test(token));
}

export function findSecrets(text: string): Array<{ start: number; end: number; value: string }> {
  const found: Array<{ start: number; end: number; value: string }> = [];
  if (!mayHoldSecret(text)) return found;
  SECRET.lastIndex = 0;
  for (let match = SECRET.exec(text); match; match = SECRET.exec(text)) {
    if (looksRandom(match[0])) found.push({ start: match.index, end: match.index + match[0].length, value: match[0] });
  }
  return found;
}

export function check(record: RecordContext): void {
  for (const field of record.fields) {
    // the scan's run-length hint first: most text has no 13-character token at all
    if (!record.stats(field).secretHint) continue;
    for (const secret of findSecrets(field.text)) {
      const target = { path: field.path, from: secret.start, to: secret.end };
      const shown = secret.value.startsWith('-----') ? secret.value : `${secret.value.slice(0, 6)}…`;
      record.report(meta, target, `a credential (${shown}) in training data`, [{ title: 'Replace with [REDACTED]', edits: [{ ...record.offsets(target), newText: '[REDACTED]' }] }]);
    }
  }
}
