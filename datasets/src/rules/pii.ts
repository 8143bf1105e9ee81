// pii: personal data in a prompt or response: e-mail addresses, phone numbers, payment card numbers (Luhn-checked),
// IBANs (mod-97-checked) and public IPv4 addresses. Documentation-only domains and address ranges are left alone.
import type { RecordContext } from '../line/record';
import type { RuleMeta } from './meta';

export const meta: RuleMeta = {
  id: 'pii',
  defaultSeverity: 'warning',
  scope: 'record',
  description: 'Personal data: e-mail addresses, phone numbers, card numbers (Luhn), IBANs (mod 97), public IP addresses.',
  fix: 'Redact the value with a tag such as [EMAIL].',
};

export type PiiKind = 'EMAIL' | 'PHONE' | 'CARD' | 'IBAN' | 'IP';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const RESERVED_DOMAIN = /@(?:[^@]*\.)?(?:example\.(?:com|org|net)|[^@]*\.(?:example|invalid|test|localhost))$/i;
const PHONES = [
  /\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}(?!\d)/g,
  /(?<![\d-])\(\d{3}\) ?\d{3}-\d{4}(?!\d)|(?<![\d-])\d{3}-\d{3}-\d{4}(?![\d-])/g,
  /(?<!\d)1[3-9]\d{9}(?!\d)/g,
];
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Loopback, private, link-local, documentation and broadcast ranges are not anybody's address. */
function isPublicIp(ip: string): boolean {
  const [a, b, c] = ip.split('.').map(Number);
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 169 && b === 254) return false;
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return false;
  return true;
}

export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
}

export function findPii(text: string, hasAt: boolean, digits: number): PiiMatch[] {
  const found: PiiMatch[] = [];
  const overlaps = (start: number, end: number) => found.some((match) => start < match.end && end > match.start);
  const scan = (regex: RegExp, kind: PiiKind, accept: (value: string) => boolean) => {
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match; match = regex.exec(text)) {
      const end = match.index + match[0].length;
      if (accept(match[0]) && !overlaps(match.index, end)) found.push({ kind, start: match.index, end });
    }
  };
  if (hasAt) scan(EMAIL, 'EMAIL', (value) => !RESERVED_DOMAIN.test(value));
  if (digits >= 7) {
    scan(CARD, 'CARD', (value) => {
      const number = value.replace(/[ -]/g, '');
      return number.length >= 13 && number.length <= 19 && !/^(\d)\1+$/.test(number) && luhnValid(number);
    });
    scan(IBAN, 'IBAN', ibanValid);
    scan(IPV4, 'IP', isPublicIp);
    for (const phone of PHONES) scan(phone, 'PHONE', (value) => value.replace(/\D/g, '').length >= 9);
  }
  return found.sort((a, b) => a.start - b.start);
}

const NAMES: Record<PiiKind, string> = { EMAIL: 'an e-mail address', PHONE: 'a phone number', CARD: 'a payment card number', IBAN: 'an IBAN', IP: 'a public IP address' };

export function check(record: RecordContext): void {
  for (const field of record.fields) {
    const stats = record.stats(field);
    if (!stats.hasAt && stats.digits < 7) continue;
    for (const match of findPii(field.text, stats.hasAt, stats.digits)) {
      const target = { path: field.path, from: match.start, to: match.end };
      const range = record.offsets(target);
      record.report(meta, target, `personal data: ${NAMES[match.kind]}`, [{ title: `Redact as [${match.kind}]`, edits: [{ ...range, newText: `[${match.kind}]` }] }]);
    }
  }
}
