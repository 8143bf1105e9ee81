// The hover's token line for a preference pair: DPO trains on both examples, so each side gets its counts and its
// place against the limit (the record's cached counts are the chosen example's).
import type { TokenCounter } from '../api';
import { lineRecord } from '../line/analyze-line';
import type { DatasetSettings, FormatId, TokenCounts } from '../../../contracts/src/dataset-types';

export function tokenLine(label: string, tokens: TokenCounts, maxSeqLen: number): string {
  const about = tokens.estimated ? '≈' : '';
  const over = tokens.total > maxSeqLen ? ` — **over the limit**, training truncates it` : '';
  return `${label}: prompt ${about}${tokens.prompt} · response ${about}${tokens.response} · total ${about}${tokens.total} / ${maxSeqLen}${over}`;
}

/** The rejected example's token line, or null when the record is not a preference pair. */
export function rejectedTokenLine(text: string, format: FormatId, counter: TokenCounter, settings: DatasetSettings): string | null {
  const counts = lineRecord(text, settings, counter, format)?.rejectedTokenCounts();
  return counts ? tokenLine('Tokens (rejected)', counts, settings.maxSeqLen) : null;
}
