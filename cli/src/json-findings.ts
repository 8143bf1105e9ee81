// `finetune lint --json`'s findings as bytes. With a finding on every line of a large file, building each finding's
// JSON text and then encoding it (Buffer.write) was a quarter of the main thread's own work; JsonFindingWriter
// writes the bytes straight into the output, as JSON.stringify would have written them.
import type { Finding } from '../../datasets/src/index';
import type { ByteOutput } from './byte-output';

/**
 * JSON.stringify of the documented {file, line, column, endLine, endColumn, rule, severity, message} object, written
 * out: `fileJson` is the file name as JSON, made once per file.
 */
export function jsonFindingText(fileJson: string, finding: Finding): string {
  const { start, end } = finding.range;
  return `{"file":${fileJson},"line":${start.line + 1},"column":${start.character + 1},"endLine":${end.line + 1},"endColumn":${end.character + 1},"rule":${JSON.stringify(finding.rule)},"severity":${JSON.stringify(finding.severity)},"message":${JSON.stringify(finding.message)}}`;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const COLUMN = ascii(',"column":');
const END_LINE = ascii(',"endLine":');
const END_COLUMN = ascii(',"endColumn":');
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE = 0x7d;

/** Bytes of a finding besides its file name, rule, severity and message's characters: separator, keys, four 10-digit numbers. */
const FIXED_BYTES = 128;

/** The findings of one file, each appended to the output as `,\n` (`\n` for the array's first) and its JSON. */
export class JsonFindingWriter {
  /** `{"file":<file name>,"line":` */
  private readonly head: Uint8Array;
  /** `,"rule":<rule>,"severity":<severity>,"message":` of the last finding's rule and severity (most findings repeat them). */
  private middle = new Uint8Array(0);
  private rule = '';
  private severity = '';

  constructor(private readonly out: ByteOutput, private readonly fileJson: string) {
    this.head = Buffer.from(`{"file":${fileJson},"line":`);
  }

  append(finding: Finding, first: boolean): void {
    const { range, rule, severity, message } = finding;
    const { start, end } = range;
    if (rule !== this.rule || severity !== this.severity) {
      this.rule = rule;
      this.severity = severity;
      this.middle = Buffer.from(`,"rule":${JSON.stringify(rule)},"severity":${JSON.stringify(severity)},"message":`);
    }
    const out = this.out;
    let at = out.reserve(this.head.length + this.middle.length + FIXED_BYTES + message.length);
    const bytes = out.current;
    if (!first) bytes[at++] = COMMA;
    bytes[at++] = NEWLINE;
    at = copy(bytes, at, this.head);
    at = number(bytes, at, start.line + 1);
    at = copy(bytes, at, COLUMN);
    at = number(bytes, at, start.character + 1);
    at = copy(bytes, at, END_LINE);
    at = number(bytes, at, end.line + 1);
    at = copy(bytes, at, END_COLUMN);
    at = number(bytes, at, end.character + 1);
    at = copy(bytes, at, this.middle);
    at = string(bytes, at, message);
    // each step passes on a -1: the finding goes the slow way
    if (at >= 0) {
      bytes[at++] = CLOSE;
      out.commit(at);
    } else {
      // a string that needs escapes or more than ASCII (or a number that is not a count): JSON.stringify's own text
      // replaces the bytes written so far, which were not committed
      out.append(`${first ? '\n' : ',\n'}${jsonFindingText(this.fileJson, finding)}`);
    }
  }
}

/**
 * `from` copied to `at` (-1 stays -1). A builtin even for pieces this short: it was faster than a JS loop while the
 * parallel linter still transferred buffers, which made V8 check every typed-array access for detachment (100k
 * findings: 85-110 -> 62-79 ms, lower quartiles of 30 rounds); it no longer transfers any, so either would do now.
 */
function copy(bytes: Uint8Array, at: number, from: Uint8Array): number {
  if (at < 0) return at;
  bytes.set(from, at);
  return at + from.length;
}

/** The decimal digits of `value`, or -1 when it is not an integer in 0..2³²-1 (never, for ranges' positions). */
function number(bytes: Uint8Array, at: number, value: number): number {
  if (at < 0 || value >>> 0 !== value) return -1;
  let digits = 1;
  for (let power = 10; digits < 10 && value >= power; power *= 10) digits++;
  let i = at + digits;
  let rest = value;
  do {
    bytes[--i] = 0x30 + (rest % 10);
    rest = (rest / 10) >>> 0;
  } while (rest > 0);
  return at + digits;
}

/** `text` in quotes when JSON.stringify would write it as it is, in ASCII; otherwise -1. */
function string(bytes: Uint8Array, at: number, text: string): number {
  if (at < 0) return at;
  bytes[at++] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) return -1;
    bytes[at++] = code;
  }
  bytes[at++] = QUOTE;
  return at;
}
