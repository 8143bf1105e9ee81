// The dataset service's public types: what the language server, the CLI, the extension's report and the trainer's
// data loader exchange. Positions are 0-based (LSP convention); the CLI converts to 1-based at its edge.

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface Position {
  line: number;
  character: number; // UTF-16 code units, as LSP and VS Code count them
}

export interface Range {
  start: Position;
  end: Position;
}

/** A text edit over the document; fixes never touch text outside their ranges. */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe to apply without looking (used by source.fixAll). */
  preferred?: boolean;
}

export interface RelatedLocation {
  /** Absent means the same document. */
  uri?: string;
  range: Range;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  range: Range;
  message: string;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

/**
 * 'preference' is TRL's explicit-prompt form (prompt, chosen, rejected) and 'preference-implicit' its implicit-prompt
 * form (chosen and rejected conversations sharing a prefix): a record there reads as two examples, chosen and rejected.
 */
export type FormatId = 'messages' | 'sharegpt' | 'alpaca' | 'prompt-completion' | 'instruction-response' | 'text' | 'preference' | 'preference-implicit';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** Every format normalises to this; the trainer renders it with the model's chat template. */
export interface CanonicalTurn {
  role: Role;
  content: string;
  /** Whether the loss covers this turn (assistant turns by default; per-message weight/train overrides). */
  trained: boolean;
}

/** Format 'text' has one trained turn holding the raw text: the trainer uses it as is, without a chat template. */
export interface CanonicalExample {
  /** 0-based line in the file. */
  line: number;
  format: FormatId;
  /** A preference record's chosen example here: its prompt, then the chosen answer. */
  turns: CanonicalTurn[];
  /** Preference records only (formats 'preference', 'preference-implicit'). */
  preference?: PreferencePair;
}

/** The rest of a preference record: `turns` begins with `promptTurns` prompt turns, shared with `rejected`. */
export interface PreferencePair {
  promptTurns: number;
  /** The rejected example: the same prompt turns, then the rejected answer. */
  rejected: CanonicalTurn[];
}

/** Settings for one document, resolved from the workspace config file, editor settings and defaults. */
export interface DatasetSettings {
  /** 'auto' detects per file from the records' keys. */
  format: FormatId | 'auto';
  maxSeqLen: number;
  severities: Record<string, SeveritySetting>;
  /** Absolute path of the eval file for `eval-overlap`, if any. */
  evalFile?: string;
  /** Absolute path of a Hugging Face model folder whose tokenizer and chat template count tokens. */
  baseModel?: string;
  nearDuplicateThreshold: number;
  minExamples: number;
  minResponseChars: number;
  /** Diagnostics shown per file before a summary diagnostic takes over. */
  maxFindingsPerFile: number;
  /**
   * Open documents above this size (MB of text) get one `file-too-large` finding instead of validation, so an editor
   * never freezes; `finetune lint` streams files of any size. Default 50 (VS Code stops syncing bigger files).
   */
  maxDocumentSizeMB?: number;
}

export interface TokenCounts {
  prompt: number;
  response: number;
  total: number;
  /** True when no tokenizer was available and the counts are an estimate. */
  estimated: boolean;
  /** The base model's chat template refused the record (its error): the counts are then an estimate. */
  refusal?: string;
}

export interface HoverInfo {
  range: Range;
  /** Markdown. */
  contents: string;
}

export interface LengthHistogram {
  /** Upper bound (tokens) of each bucket. */
  bucketEdges: number[];
  counts: number[];
  maxSeqLen: number;
  overLimit: number;
  estimated: boolean;
}

export interface DuplicateGroup {
  /** 0-based lines; the first is the first occurrence. */
  lines: number[];
  preview: string;
}

/** How a file's preference pairs compare in answer length (characters): DPO tends to learn length when chosen is longer. */
export interface PreferenceLengths {
  /** Pairs with two non-empty answers. */
  pairs: number;
  /** Pairs whose chosen answer is the longer. */
  chosenLonger: number;
  chosenChars: number;
  rejectedChars: number;
  /** Median of chosen length / rejected length; null without pairs. */
  medianRatio: number | null;
}

export interface DatasetReport {
  uri: string;
  records: number;
  blankLines: number;
  formats: Partial<Record<FormatId, number>>;
  detectedFormat: FormatId | null;
  findingsByRule: Record<string, { severity: Severity; count: number }>;
  errors: number;
  warnings: number;
  tokens: LengthHistogram;
  topDuplicates: DuplicateGroup[];
  /** Preference data only. */
  preference?: PreferenceLengths;
  /** Per-record loss distribution when a run's per-example losses are known (high-loss). */
  losses?: { bucketEdges: number[]; counts: number[]; median: number };
}

/** A rendered example: the chat-template text with the spans the loss covers. */
export interface RenderedExample {
  text: string;
  /** Character spans [start, end) of trained (assistant) text in `text`. */
  trainedSpans: Array<[number, number]>;
  tokens: TokenCounts;
  templateSource: 'model' | 'default';
}

/** A whole file converted to another format; lines that could not be are listed, not dropped silently. */
export interface ConversionResult {
  text: string;
  converted: number;
  skipped: Array<{ line: number; reason: string }>;
}
