// The dataset service's entry points. Pure: no vscode, no LSP connection. The language server, the CLI (`finetune
// lint`), the extension's report and the trainer's data loader all go through these.
import type {
  CanonicalExample,
  DatasetReport,
  DatasetSettings,
  Finding,
  HoverInfo,
  Position,
  Range,
  RenderedExample,
  TokenCounts,
} from '../../contracts/src/dataset-types';

/** Counts tokens of a canonical example, from a model's tokenizer.json + chat template, or an estimate. */
export interface TokenCounter {
  readonly estimated: boolean;
  count(example: CanonicalExample): TokenCounts;
  render(example: CanonicalExample): RenderedExample;
  /**
   * A cheap number that is never below count().total, when the counter has one (a byte-level tokenizer never makes
   * more tokens than UTF-8 bytes plus the template's): `too-long` skips the exact count when the bound fits.
   */
  upperBound?(example: CanonicalExample): number;
}

/** An incremental LSP-style content change: a range replaced by text, or (no range) the whole text. */
export interface ContentChange {
  range?: Range;
  text: string;
}

/** One open dataset: keeps per-line caches and cross-line indexes so an edit re-validates in milliseconds. */
export interface DatasetDocument {
  readonly uri: string;
  readonly settings: DatasetSettings;
  applyChanges(changes: ContentChange[]): void;
  /** All findings, capped by settings.maxFindingsPerFile with a summary finding. */
  findings(): Finding[];
  hover(position: Position): HoverInfo | null;
  report(): DatasetReport;
  example(line: number): CanonicalExample | null;
  render(line: number): RenderedExample | null;
  /** Per-record losses from a finished run (0-based line → mean token loss) for the `high-loss` rule. */
  setLosses(losses: ReadonlyMap<number, number> | null): void;
}
