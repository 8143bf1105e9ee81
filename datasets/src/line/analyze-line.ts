// Analyses one line on its own: parse, decide its format, normalise it, run every enabled record rule, and
// fingerprint it for the cross-record indexes. The result does not depend on the line's number or its neighbours
// (except through `fileFormat` for records whose own keys do not decide a format), so documents cache it per line.
import * as jsonSyntax from '../rules/json-syntax';
import * as missingField from '../rules/missing-field';
import * as notObject from '../rules/not-object';
import type { RuleMeta } from '../rules/meta';
import { severityOf } from '../rules/severity';
import { rulePlan, type RulePlan } from '../rules/rule-plan';
import { overLimit } from '../rules/too-long';
import type { TokenCounter } from '../api';
import { fingerprint, freshShingleSink, type Fingerprint, type SignatureSlot } from '../cross-line/fingerprint';
import { decisiveFormat, guessFormat } from './formats';
import { objectKeys, skipWhitespace } from './json-scan';
import { RecordContext, type LineProblem, type LocalFinding } from './record';
import { sideText, type SideLengths } from './preference-sides';
import type { CanonicalTurn, DatasetSettings, FormatId, PreferencePair, TokenCounts } from '../../../contracts/src/dataset-types';

export interface LineAnalysis {
  kind: 'blank' | 'invalid' | 'record';
  findings: LocalFinding[];
  /** The format the record's own keys decide, if any. */
  ownFormat: FormatId | null;
  /** The format it was read as (its own, else the file's, else a guess); null when nothing fits. */
  format: FormatId | null;
  /** True when `format` came from the file's format, so the analysis must be redone if that changes. */
  dependsOnFileFormat: boolean;
  turns: CanonicalTurn[] | null;
  fingerprint: Fingerprint | null;
  /** The key whole-record findings underline (the format's first required key present, else the first key). */
  primaryKey: string | null;
  /** Its offsets, found on first use by `primaryRange` (-1 until then): locating costs a scan of the line. */
  primaryStart: number;
  primaryEnd: number;
  tokens: TokenCounts | null;
  overLimit: boolean;
  /** Null unless the record is a preference pair. */
  sideLengths: SideLengths | null;
  /** A preference pair's prompt length and rejected example (what the trainer reads); null otherwise. */
  preference: PreferencePair | null;
}

function isBlank(line: string, start: number): boolean {
  return skipWhitespace(line, start) >= line.length;
}

export function emptyAnalysis(kind: LineAnalysis['kind'], findings: LocalFinding[] = []): LineAnalysis {
  return { kind, findings, ownFormat: null, format: null, dependsOnFileFormat: false, turns: null, fingerprint: null, primaryKey: null, primaryStart: 0, primaryEnd: 0, tokens: null, overLimit: false, sideLengths: null, preference: null };
}

/** The line's one finding, none when its rule is off. */
function findingOf(settings: DatasetSettings, meta: RuleMeta, problem: LineProblem): LocalFinding[] {
  const severity = severityOf(settings, meta);
  return severity ? [{ rule: meta.id, severity, ...problem }] : [];
}

/** The line without the '\r' of a CRLF line break. */
function withoutCR(rawLine: string): string {
  return rawLine.charCodeAt(rawLine.length - 1) === 13 ? rawLine.slice(0, -1) : rawLine;
}

/** Where the JSON starts: after a leading byte order mark. */
function jsonStart(line: string): number {
  return line.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/** The format a record is read as: its own, else the pinned one, else the file's, else a guess from its keys. */
function readFormat(object: Record<string, unknown>, ownFormat: FormatId | null, settings: DatasetSettings, fileFormat: FormatId | null): FormatId | null {
  const pinned = settings.format === 'auto' ? null : settings.format;
  return ownFormat ?? pinned ?? fileFormat ?? guessFormat(Object.keys(object));
}

/** The key of a record's primary path (a getter that builds the path each time: read once). */
function primaryKeyOf(path: readonly (string | number)[]): string | null {
  return path.length ? String(path[0]) : null;
}

/**
 * `line` may still carry the '\r' of a CRLF line break; a leading byte order mark is skipped. A pass over many lines
 * passes its `plan` (rulePlan of the same settings) so the rules' severities are looked up once; `signatureSlot`, where
 * the record's MinHash signature goes (the parallel linter's block), else a shared slab.
 */
export function analyzeLine(rawLine: string, settings: DatasetSettings, counter: TokenCounter, fileFormat: FormatId | null, plan: RulePlan = rulePlan(settings), signatureSlot: SignatureSlot | null = null): LineAnalysis {
  const line = withoutCR(rawLine);
  const start = jsonStart(line);
  if (isBlank(line, start)) return emptyAnalysis('blank');
  let value: unknown;
  try {
    value = JSON.parse(start ? line.slice(start) : line);
  } catch (error) {
    return emptyAnalysis('invalid', findingOf(settings, jsonSyntax.meta, jsonSyntax.problem(line, start, error as Error)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return emptyAnalysis('invalid', findingOf(settings, notObject.meta, notObject.problem(line, start, value)));
  const object = value as Record<string, unknown>;
  const ownFormat = decisiveFormat(object);
  const format = readFormat(object, ownFormat, settings, fileFormat);
  if (!format) {
    // only a file format can give this record one: once the file has a format the line must be read again
    return { ...emptyAnalysis('record', findingOf(settings, missingField.meta, missingField.noFormat(line, start))), dependsOnFileFormat: true };
  }
  const record = new RecordContext(line, start, object, format, ownFormat, settings, counter);
  const needsFingerprint = plan.fingerprints;
  const sink = needsFingerprint ? freshShingleSink() : null;
  record.scanAll(sink);
  for (const rule of plan.recordRules) {
    try {
      rule.check(record);
    } catch (error) {
      // a rule bug must not take the whole file's validation down with it
      record.findings.push({ rule: rule.meta.id, severity: 'info', start, end: line.length, message: `internal error in rule ${rule.meta.id}: ${(error as Error).message}` });
    }
  }
  const over = overLimit(record);
  const hashed = needsFingerprint ? record.fields.map((field) => ({ role: field.role, turn: field.turn, hash: record.stats(field).normalizedHash })) : null;
  // only preference pairs have sides to compare: other records skip this
  const sides = hashed && record.sides && plan.preferenceContradiction ? record.sideHashes() : null;
  return {
    kind: 'record',
    findings: record.findings,
    ownFormat,
    format,
    dependsOnFileFormat: ownFormat === null,
    turns: record.turns,
    fingerprint: hashed && record.turns.length > 0 ? fingerprint(hashed, format === 'text' ? -1 : record.lastAssistant, sink, sides, record.sides !== null, signatureSlot) : null,
    primaryKey: primaryKeyOf(record.primaryPath),
    primaryStart: -1,
    primaryEnd: -1,
    tokens: record.cachedTokenCounts ?? null,
    overLimit: over !== null,
    sideLengths: record.sides ? { chosen: sideText(record.sides.chosen).length, rejected: sideText(record.sides.rejected).length } : null,
    preference: record.sides ? { promptTurns: record.promptTurns, rejected: record.rejected } : null,
  };
}

/**
 * What the file-format vote needs from a line, without analysing it: whether it is a record (a JSON object) and the
 * format its own keys decide. Agrees with analyzeLine's `kind` and `ownFormat`.
 */
export function voteOf(rawLine: string): Pick<LineAnalysis, 'kind' | 'ownFormat'> {
  const line = withoutCR(rawLine);
  const start = jsonStart(line);
  if (isBlank(line, start)) return { kind: 'blank', ownFormat: null };
  const object = parseRecord(line, start);
  return object ? { kind: 'record', ownFormat: decisiveFormat(object) } : { kind: 'invalid', ownFormat: null };
}

/** The line's JSON object, or null when it does not parse or is not an object (analyzeLine says which and where). */
function parseRecord(line: string, start: number): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(start ? line.slice(start) : line);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A record line read through its format, without running the rules or fingerprinting; null if not a record. */
export function lineRecord(rawLine: string, settings: DatasetSettings, counter: TokenCounter, fileFormat: FormatId | null): RecordContext | null {
  const line = withoutCR(rawLine);
  const start = jsonStart(line);
  const object = parseRecord(line, start);
  if (!object) return null;
  const ownFormat = decisiveFormat(object);
  const format = readFormat(object, ownFormat, settings, fileFormat);
  return format ? new RecordContext(line, start, object, format, ownFormat, settings, counter) : null;
}

/**
 * The canonical turns of a record line, as analyzeLine reads them: for documents, which do not keep turns (a hover,
 * an example, the report ask for them again). Null if not a record.
 */
export function lineTurns(rawLine: string, settings: DatasetSettings, counter: TokenCounter, fileFormat: FormatId | null): CanonicalTurn[] | null {
  return lineRecord(rawLine, settings, counter, fileFormat)?.turns ?? null;
}

/** Whether the key token at `at` is `name` written as is (no escapes), which decodes to `name`. */
function isPlainKeyAt(line: string, at: number, name: string): boolean {
  return line.charCodeAt(at) === 34 && line.charCodeAt(at + 1 + name.length) === 34 && line.startsWith(name, at + 1) && !name.includes('\\') && !name.includes('"');
}

/** Offsets of the record's primary key token in its line (the first occurrence), computed once. */
export function primaryRange(line: string, analysis: LineAnalysis): { start: number; end: number } {
  if (analysis.primaryStart < 0) {
    const start = jsonStart(line);
    const open = skipWhitespace(line, start);
    const name = analysis.primaryKey;
    // most records open with their primary key, written without escapes: no need to read the keys
    const first = skipWhitespace(line, open + 1);
    if (name !== null && isPlainKeyAt(line, first, name)) {
      analysis.primaryStart = first;
      analysis.primaryEnd = first + name.length + 2;
    } else {
      const key = objectKeys(line, start, name ?? undefined).find((candidate) => candidate.name === name);
      analysis.primaryStart = key ? key.start : open;
      analysis.primaryEnd = key ? key.end : open + 1;
    }
  }
  return { start: analysis.primaryStart, end: analysis.primaryEnd };
}
