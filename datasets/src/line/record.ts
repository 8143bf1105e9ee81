// One parsed record seen through its format: the canonical conversation it normalises to, the source string of
// every turn (so content rules can point into the line), and the means for a rule to report a located finding.
// Offsets here are UTF-16 offsets into the line; the caller adds the line number when it publishes findings.
import type { RuleMeta } from '../rules/meta';
import { severityOf } from '../rules/severity';
import type { TokenCounter } from '../api';
import { FORMAT_SPECS, type FormatSpec } from './formats';
import { locatePath, rawOffsetInString, type JsonPath, type Located } from './json-scan';
import { readTurns, type ReadTurn } from './message-turns';
import { readSides, type PreferenceSides, type SideHashes } from './preference-sides';
import { Hasher, isWhitespaceCode, ROLE_TAG } from './hash';
import { estimateTokens, scanText, type ShingleSink, type TextStats } from './text-stats';
import { isEstimateCounter, TURN_OVERHEAD } from '../tokens/token-estimate';
import type { CanonicalExample, CanonicalTurn, DatasetSettings, FormatId, Role, Severity, TokenCounts } from '../../../contracts/src/dataset-types';

export interface LocalEdit {
  start: number;
  end: number;
  newText: string;
}

export interface LocalFix {
  title: string;
  edits: LocalEdit[];
  preferred?: boolean;
}

export interface LocalFinding {
  rule: string;
  severity: Severity;
  start: number;
  end: number;
  message: string;
  fixes?: LocalFix[];
}

/** A finding's place and message within its line, before the service gives it a rule and a severity. */
export type LineProblem = Pick<LocalFinding, 'start' | 'end' | 'message'>;

/** One JSON string of the record that feeds a turn. */
export interface FieldView {
  path: JsonPath;
  text: string;
  role: Role;
  /** Index of the canonical turn it feeds; -1 for the text of a turn whose role is unknown. */
  turn: number;
  stats?: TextStats;
}

/** A turn object of a messages/sharegpt record (elements that are not objects are wrong-type's business). */
export interface TurnObject {
  object: Record<string, unknown>;
  path: JsonPath;
  index: number;
}

/** Where a finding points: a key or value by path, a span inside a string value (decoded offsets), or raw offsets. */
export type Target =
  | { path: JsonPath; part?: 'key' | 'value' }
  | { path: JsonPath; from: number; to: number }
  | { start: number; end: number };

/** True when the text is empty or only whitespace, without copying a long string. */
export function isBlankText(text: string): boolean {
  return text.length === 0 || (isWhitespaceCode(text.charCodeAt(0)) && isWhitespaceCode(text.charCodeAt(text.length - 1)) && text.trim() === '');
}

export class RecordContext {
  readonly findings: LocalFinding[] = [];
  readonly spec: FormatSpec;
  readonly turns: CanonicalTurn[] = [];
  readonly fields: FieldView[] = [];
  /** A preference record's prompt and answers as read (null for the other formats). */
  readonly sides: PreferenceSides | null;
  /** A preference record's rejected example, prompt included (empty for the other formats). */
  readonly rejected: CanonicalTurn[] = [];
  /** How many of `turns` (and of `rejected`) are a preference record's prompt. */
  promptTurns = 0;
  private located: Map<string, Located | null> | null = null;
  private counts: TokenCounts | undefined;
  private rejectedCounts: TokenCounts | undefined;
  private bound: number | undefined;
  private objects: TurnObject[] | undefined;

  constructor(
    /** The line without its line break. */
    readonly line: string,
    /** Where the JSON starts (1 after a byte order mark). */
    readonly start: number,
    readonly value: Record<string, unknown>,
    /** The format the record is read as: its own, or the file's when its own keys are incomplete. */
    readonly format: FormatId,
    /** The format its keys decide on their own, if any. */
    readonly ownFormat: FormatId | null,
    readonly settings: DatasetSettings,
    readonly tokens: TokenCounter,
  ) {
    this.spec = FORMAT_SPECS[format];
    this.sides = this.spec.preference ? readSides(value, this.spec) : null;
    buildConversation(this);
  }

  report(meta: RuleMeta, target: Target, message: string, fixes?: LocalFix[]): void {
    const severity = severityOf(this.settings, meta);
    if (!severity) return;
    const { start, end } = this.offsets(target);
    this.findings.push({ rule: meta.id, severity, start, end, message, fixes });
  }

  locate(path: JsonPath): Located | null {
    const key = path.join('\u0000');
    this.located ??= new Map();
    let found = this.located.get(key);
    if (found === undefined) {
      found = locatePath(this.line, this.start, path);
      this.located.set(key, found);
    }
    return found;
  }

  /** Raw line offsets of a target; a path that cannot be found falls back to the record's first key. */
  offsets(target: Target): { start: number; end: number } {
    if ('start' in target) return target;
    const found = this.locate(target.path) ?? this.locate([]);
    if (!found) return { start: this.start, end: this.line.length };
    if ('from' in target) {
      return {
        start: rawOffsetInString(this.line, found.valueStart, target.from),
        end: rawOffsetInString(this.line, found.valueStart, target.to),
      };
    }
    if (target.part === 'key' && found.keyEnd > found.keyStart) return { start: found.keyStart, end: found.keyEnd };
    return { start: found.valueStart, end: found.valueEnd };
  }

  /** The key a whole-record finding underlines: the format's first required key when present, else the first key. */
  get primaryPath(): JsonPath {
    const required = this.spec.fields.find((field) => field.required && Object.hasOwn(this.value, field.key));
    if (required) return [required.key];
    const first = Object.keys(this.value)[0];
    return first === undefined ? [] : [first];
  }

  /** The record's turn objects, found once: several rules walk them. */
  get turnObjects(): readonly TurnObject[] {
    if (this.objects) return this.objects;
    this.objects = [];
    // every list of turns: one for a chat, up to three for a preference record (prompt, chosen, rejected)
    for (const field of this.spec.fields) {
      const list = field.kind === 'turns' || field.kind === 'side' ? this.value[field.key] : undefined;
      if (!Array.isArray(list)) continue;
      for (let index = 0; index < list.length; index++) {
        const element: unknown = list[index];
        if (typeof element === 'object' && element !== null && !Array.isArray(element)) this.objects.push({ object: element as Record<string, unknown>, path: [field.key, index], index });
      }
    }
    return this.objects;
  }

  recordTarget(): Target {
    const path = this.primaryPath;
    return path.length ? { path, part: 'key' } : { start: this.start, end: Math.min(this.line.length, this.start + 1) };
  }

  /**
   * Scans every field once (see scanText); the conversation's fields also feed the MinHash sink, and a preference
   * pair's rejected answer too (two pairs that share a prompt and chosen answer are not near-duplicates when their
   * rejected answers differ).
   */
  scanAll(sink: ShingleSink | null): void {
    const pair = this.sides !== null;
    // system prompts are boilerplate many records share: they would make unrelated records look alike
    for (const field of this.fields) field.stats = scanText(field.text, (field.turn >= 0 || pair) && field.role !== 'system' ? sink : null);
  }

  stats(field: FieldView): TextStats {
    return (field.stats ??= scanText(field.text));
  }

  /** A turn's text summed over its fields ('\n\n' joins count as two ASCII characters, as in the joined content). */
  turnStats(turn: number): Pick<TextStats, 'scriptCounts' | 'letters' | 'asciiChars' | 'cjkChars' | 'otherChars'> {
    // nearly every turn has one field: its own stats, with no list or sum allocated
    let only: FieldView | null = null;
    let count = 0;
    for (const field of this.fields) {
      if (field.turn !== turn) continue;
      only = field;
      count++;
    }
    if (count === 1) return this.stats(only!);
    const total = { scriptCounts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], letters: 0, asciiChars: 0, cjkChars: 0, otherChars: 0 };
    let parts = 0;
    for (const field of this.fields) {
      if (field.turn !== turn) continue;
      const stats = this.stats(field);
      for (let i = 0; i < total.scriptCounts.length; i++) total.scriptCounts[i] += stats.scriptCounts[i];
      total.letters += stats.letters;
      total.asciiChars += stats.asciiChars + (parts++ > 0 ? 2 : 0);
      total.cjkChars += stats.cjkChars;
      total.otherChars += stats.otherChars;
    }
    return total;
  }

  /** The normalised (case, whitespace) hash of a turn's text. */
  turnHash(turn: number): number {
    const hasher = new Hasher();
    for (const field of this.fields) if (field.turn === turn) hasher.addHash(this.stats(field).normalizedHash);
    return hasher.digest();
  }

  /**
   * A preference pair's prompt, chosen and rejected hashes (each part's normalised hash after its role, as the
   * duplicates' keys are made), for preference-contradiction; null for the other formats and for a pair missing an
   * answer. The fields hold the sides' parts in order, prompt, chosen, rejected (buildPreference).
   */
  sideHashes(): SideHashes | null {
    const sides = this.sides;
    if (!sides || sides.chosen.length === 0 || sides.rejected.length === 0) return null;
    let at = 0;
    let aligned = true;
    const hash = (side: readonly ReadTurn[]): number => {
      const hasher = new Hasher();
      for (const turn of side) {
        for (const part of turn.parts) {
          const field = this.fields[at++];
          if (field?.text !== part.text) aligned = false;
          else hasher.addSeparator(turn.role ? ROLE_TAG[turn.role] : 0).addHash(this.stats(field).normalizedHash);
        }
      }
      return hasher.digest();
    };
    const hashes = { prompt: hash(sides.prompt), chosen: hash(sides.chosen), rejected: hash(sides.rejected) };
    return aligned ? hashes : null;
  }

  /** Index of the last assistant turn, or -1. */
  get lastAssistant(): number {
    for (let i = this.turns.length - 1; i >= 0; i--) if (this.turns[i].role === 'assistant') return i;
    return -1;
  }

  /** The last user turn before the last assistant turn, or -1: "the prompt" for echo and language checks. */
  get lastPrompt(): number {
    for (let i = this.lastAssistant - 1; i >= 0; i--) if (this.turns[i].role === 'user') return i;
    return -1;
  }

  fieldsOf(turn: number): FieldView[] {
    return this.fields.filter((field) => field.turn === turn);
  }

  /**
   * The counter's cheap bound on the token count, computed once (too-long and chat-template both ask); +∞ when the
   * counter has none or cannot render the record.
   */
  tokenUpperBound(): number {
    this.bound ??= this.tokens.upperBound?.(this.example(0)) ?? Number.POSITIVE_INFINITY;
    return this.bound;
  }

  /** Token counts of the rendered example, computed once (hover and the report reuse them). */
  tokenCounts(): TokenCounts {
    if (this.counts) return this.counts;
    // the estimate from the stats already gathered equals the estimate counter's count() over the same turns
    if (isEstimateCounter(this.tokens)) this.counts = this.estimateFromStats();
    else this.counts = this.tokens.count(this.example(0));
    return this.counts;
  }

  private estimateFromStats(): TokenCounts {
    let prompt = 0;
    let response = 0;
    const overhead = this.format === 'text' ? 0 : TURN_OVERHEAD;
    for (let index = 0; index < this.turns.length; index++) {
      const tokens = estimateTokens(this.turnStats(index)) + overhead;
      if (this.turns[index].trained) response += tokens;
      else prompt += tokens;
    }
    return { prompt, response, total: prompt + response, estimated: true };
  }

  /** A preference record's rejected example counted like the chosen one (the estimate counter agrees with the stats). */
  rejectedTokenCounts(): TokenCounts | null {
    if (this.rejected.length === 0) return null;
    this.rejectedCounts ??= this.tokens.count({ line: 0, format: this.format, turns: this.rejected });
    return this.rejectedCounts;
  }

  get cachedTokenCounts(): TokenCounts | undefined {
    return this.counts;
  }

  example(line: number): CanonicalExample {
    return { line, format: this.format, turns: this.turns };
  }
}

function addTurn(record: RecordContext, role: Role, trained: boolean, parts: Array<{ path: JsonPath; text: string }>): void {
  const turn = record.turns.length;
  record.turns.push({ role, trained, content: parts.map((part) => part.text).join('\n\n') });
  for (const part of parts) record.fields.push({ path: part.path, text: part.text, role, turn });
}

/** addTurn for the usual turn of one string (no parts list to build and join). */
function addTextTurn(record: RecordContext, role: Role, trained: boolean, path: JsonPath, text: string): void {
  record.fields.push({ path, text, role, turn: record.turns.length });
  record.turns.push({ role, trained, content: text });
}

function addReadTurn(record: RecordContext, turn: ReadTurn): void {
  // not part of the conversation (unknown-role says why), but its text still gets the content checks
  if (!turn.role) for (const part of turn.parts) record.fields.push({ ...part, role: 'user', turn: -1 });
  else if (turn.parts.length === 1) addTextTurn(record, turn.role, turn.trained, turn.parts[0].path, turn.parts[0].text);
  else addTurn(record, turn.role, turn.trained, turn.parts);
}

/**
 * A preference record's conversation is its chosen example (prompt + chosen), as the SFT rules and the fingerprints
 * read it; the rejected side becomes `rejected` (prompt + rejected) with its fields outside the conversation
 * (turn -1), so the content rules still check its text.
 */
function buildPreference(record: RecordContext, sides: PreferenceSides): void {
  for (const turn of sides.prompt) addReadTurn(record, turn);
  record.promptTurns = record.turns.length;
  record.rejected.push(...record.turns);
  for (const turn of sides.chosen) addReadTurn(record, turn);
  for (const turn of sides.rejected) {
    for (const part of turn.parts) record.fields.push({ ...part, role: turn.role ?? 'user', turn: -1 });
    if (turn.role) record.rejected.push({ role: turn.role, trained: turn.trained, content: turn.parts.map((part) => part.text).join('\n\n') });
  }
}

/** Builds the canonical conversation from whatever parts of the record are well-formed; the rules report the rest. */
function buildConversation(record: RecordContext): void {
  const { value, spec } = record;
  if (record.sides) return buildPreference(record, record.sides);
  for (const field of spec.fields) {
    const raw = value[field.key];
    if (raw === undefined) continue;
    if (field.kind === 'string' && typeof raw === 'string' && field.role) {
      if (raw === '' && field.allowEmpty) continue;
      // alpaca's input and dolly's context join the instruction in one user turn
      const previous = record.turns[record.turns.length - 1];
      if (previous && previous.role === 'user' && field.role === 'user') {
        previous.content += `\n\n${raw}`;
        record.fields.push({ path: [field.key], text: raw, role: 'user', turn: record.turns.length - 1 });
      } else if (raw !== '' || field.role !== 'system') addTextTurn(record, field.role, field.role === 'assistant', [field.key], raw);
    } else if (field.kind === 'pairs' && Array.isArray(raw)) {
      raw.forEach((pair, index) => {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return;
        addTextTurn(record, 'user', false, [field.key, index, 0], pair[0]);
        addTextTurn(record, 'assistant', true, [field.key, index, 1], pair[1]);
      });
    } else if (field.kind === 'turns' && Array.isArray(raw) && spec.turns) {
      for (const turn of readTurns(raw, [field.key], spec.turns)) addReadTurn(record, turn);
    }
  }
}
