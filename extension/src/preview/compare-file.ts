// A base-vs-fine-tuned comparison as saved in the run folder (`RUN_DIR/compare-<timestamp>.jsonl`, one record per
// line, written atomically after each record so a reader never sees half a file) and as shown side by side: static
// HTML with a strict CSP (no script at all). A preference pair is scored instead of generated: each model's summed
// completion log-probability of the chosen and of the rejected answer, which side it prefers, and (dpo runs) the
// implicit reward margin. Pure: no vscode imports.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatTurnParams } from '../../../contracts/src/worker/generation-protocol';

export interface GeneratedReply {
  text: string;
  finishReason: string;
  tokens: number;
  /** Set when generation failed instead of finishing. */
  error?: string;
}

/** One model's summed completion log-probabilities of a pair's two answers (TRL's reading). */
export interface PairScores {
  chosen: number;
  rejected: number;
}

/** A preference pair's comparison: scores, not replies. The chosen answer is the entry's `expected`. */
export interface PreferenceComparison {
  rejected: string;
  base?: PairScores;
  tuned?: PairScores;
  /** dpo runs only: the run's β and the implicit reward margin β·((tuned_c − base_c) − (tuned_r − base_r)). */
  beta?: number;
  margin?: number;
  /** Why the pair has no scores (no completion token within max-seq-len, scoring failed or was cancelled). */
  error?: string;
}

export interface ComparisonEntry {
  /** Absolute path of the dataset file. */
  file: string;
  /** 1-based line of the record. */
  line: number;
  prompt: ChatTurnParams[];
  /** The record's assistant answer; a preference pair's chosen answer. */
  expected: string;
  base?: GeneratedReply;
  tuned?: GeneratedReply;
  /** Preference pairs only (files saved before pairs were compared have none). */
  preference?: PreferenceComparison;
}

export type Preferred = 'chosen' | 'rejected' | 'neither';

export function preferredSide(scores: PairScores): Preferred {
  return scores.chosen > scores.rejected ? 'chosen' : scores.chosen < scores.rejected ? 'rejected' : 'neither';
}

/** DPO's implicit reward margin of the tuned model against the base (the reference) on one pair. */
export function rewardMargin(base: PairScores, tuned: PairScores, beta: number): number {
  return beta * (tuned.chosen - base.chosen - (tuned.rejected - base.rejected));
}

/** A preference pair's comparison once both models' scores are known (or why it has none). */
export function scoredPair(rejected: string, base: PairScores | undefined, tuned: PairScores | undefined, beta: number | undefined): PreferenceComparison {
  const pair: PreferenceComparison = { rejected };
  if (base) pair.base = base;
  if (tuned) pair.tuned = tuned;
  if (beta !== undefined) {
    pair.beta = beta;
    if (base && tuned) pair.margin = rewardMargin(base, tuned, beta);
  }
  return pair;
}

/** Whether an entry has all it will get: both replies, or a pair's scores (or the reason it has none). */
export function entryFinished(entry: ComparisonEntry): boolean {
  return entry.preference ? entry.preference.error !== undefined || (entry.preference.base !== undefined && entry.preference.tuned !== undefined) : entry.base !== undefined && entry.tuned !== undefined;
}

export interface PreferenceSummary {
  /** Preference entries, and those with both models' scores. */
  pairs: number;
  scored: number;
  baseChosen: number;
  tunedChosen: number;
  /** dpo runs: the mean reward margin and the share of pairs with a positive one (TRL's rewards/accuracies). */
  beta?: number;
  meanMargin?: number;
  rewardAccuracy?: number;
}

export function preferenceSummary(entries: readonly ComparisonEntry[]): PreferenceSummary | undefined {
  const pairs = entries.flatMap((entry) => (entry.preference ? [entry.preference] : []));
  if (pairs.length === 0) return undefined;
  const scored = pairs.filter((pair): pair is PreferenceComparison & Required<Pick<PreferenceComparison, 'base' | 'tuned'>> => pair.base !== undefined && pair.tuned !== undefined);
  const summary: PreferenceSummary = {
    pairs: pairs.length,
    scored: scored.length,
    baseChosen: scored.filter((pair) => preferredSide(pair.base) === 'chosen').length,
    tunedChosen: scored.filter((pair) => preferredSide(pair.tuned) === 'chosen').length,
  };
  const margins = scored.flatMap((pair) => (pair.margin === undefined ? [] : [pair.margin]));
  const beta = scored.find((pair) => pair.beta !== undefined)?.beta;
  if (beta !== undefined && margins.length > 0) {
    summary.beta = beta;
    summary.meanMargin = margins.reduce((sum, margin) => sum + margin, 0) / margins.length;
    summary.rewardAccuracy = margins.filter((margin) => margin > 0).length / margins.length;
  }
  return summary;
}

/** "base prefers chosen in X of N pairs, tuned in Y of N" (+ the DPO margin, + pairs not scored). */
export function preferenceSummaryText(summary: PreferenceSummary): string {
  const n = summary.scored;
  let text = `base prefers chosen in ${summary.baseChosen} of ${n} pair${n === 1 ? '' : 's'}, tuned in ${summary.tunedChosen} of ${n}`;
  if (summary.meanMargin !== undefined) text += `; mean DPO reward margin ${signed(summary.meanMargin, 4)} (β ${summary.beta}), positive in ${Math.round(summary.rewardAccuracy! * n)} of ${n}`;
  if (summary.pairs > n) text += `; ${summary.pairs - n} of ${summary.pairs} pairs not scored`;
  return text;
}

function signed(value: number, digits: number): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(digits)}`;
}

export interface Comparison {
  runDir: string;
  baseLabel: string;
  tunedLabel: string;
  entries: ComparisonEntry[];
}

export function comparisonFileName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `compare-${stamp}.jsonl`;
}

export function writeComparison(file: string, entries: readonly ComparisonEntry[]): void {
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  fs.renameSync(temporary, file);
}

export function readComparison(file: string): ComparisonEntry[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, index) => {
      if (text.trim() === '') return [];
      try {
        const entry = JSON.parse(text) as ComparisonEntry;
        if (typeof entry.line !== 'number' || typeof entry.expected !== 'string') throw new Error('missing line or expected');
        if (entry.preference !== undefined && typeof entry.preference?.rejected !== 'string') throw new Error('a preference entry without its rejected answer');
        return [entry];
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not a comparison record (${(error as Error).message})`);
      }
    });
}

/** Saved comparisons of a run, newest first. */
export function listComparisons(runDir: string): string[] {
  try {
    return fs
      .readdirSync(runDir)
      .filter((name) => /^compare-.*\.jsonl$/.test(name))
      .sort()
      .reverse()
      .map((name) => path.join(runDir, name));
  } catch {
    return [];
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cell(reply: GeneratedReply | undefined, pending: string): string {
  if (!reply) return `<div class="cell pending">${escapeHtml(pending)}</div>`;
  if (reply.error) return `<div class="cell error">${escapeHtml(reply.error)}</div>`;
  const note = reply.finishReason === 'max-new-tokens' ? ' (cut at the token limit)' : reply.finishReason === 'cancelled' ? ' (cancelled)' : '';
  return `<div class="cell"><pre>${escapeHtml(reply.text)}</pre><div class="meta">${reply.tokens} tokens${escapeHtml(note)}</div></div>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
header { position: sticky; top: 0; background: var(--vscode-editor-background); padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border); z-index: 1; }
h1 { font-size: 1.2em; margin: 4px 0; } .sub { color: var(--vscode-descriptionForeground); }
section { border-bottom: 1px solid var(--vscode-panel-border); padding: 10px 0; }
h2 { font-size: 1em; margin: 0 0 6px; } .prompt { color: var(--vscode-descriptionForeground); white-space: pre-wrap; margin-bottom: 6px; max-height: 8em; overflow: auto; }
.grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; }
.head { font-weight: 600; color: var(--vscode-descriptionForeground); }
.cell { background: var(--vscode-textCodeBlock-background); border: 1px solid var(--vscode-widget-border, transparent); padding: 6px 8px; border-radius: 3px; min-height: 2em; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-family: var(--vscode-editor-font-family); }
.meta { color: var(--vscode-descriptionForeground); font-size: 0.9em; margin-top: 4px; }
.pending { color: var(--vscode-descriptionForeground); font-style: italic; } .error { color: var(--vscode-errorForeground); }
.grid.pair { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.summary { font-weight: 600; margin-top: 4px; }
table.scores { border-collapse: collapse; margin-top: 8px; } table.scores th, table.scores td { text-align: left; padding: 2px 12px 2px 0; }
table.scores td.number { text-align: right; font-family: var(--vscode-editor-font-family); }
.prefers-chosen { color: var(--vscode-testing-iconPassed, inherit); } .prefers-rejected { color: var(--vscode-errorForeground); }
`;

function lastUserTurn(entry: ComparisonEntry): string {
  const turn = [...entry.prompt].reverse().find((candidate) => candidate.role === 'user') ?? entry.prompt[entry.prompt.length - 1];
  return turn?.content ?? '';
}

function scoreRow(label: string, model: 'base' | 'tuned', scores: PairScores | undefined, pending: string): string {
  if (!scores) return `<tr data-model="${model}"><td>${escapeHtml(label)}</td><td colspan="4" class="pending">${escapeHtml(pending)}</td></tr>`;
  const side = preferredSide(scores);
  const verdict = side === 'neither' ? 'no preference' : `prefers ${side}`;
  return `<tr data-model="${model}" data-prefers="${side}"><td>${escapeHtml(label)}</td><td class="number">${scores.chosen.toFixed(3)}</td><td class="number">${scores.rejected.toFixed(3)}</td><td class="number">${signed(scores.chosen - scores.rejected, 3)}</td><td class="prefers-${side}">${verdict}</td></tr>`;
}

function pairSection(comparison: Comparison, entry: ComparisonEntry, pair: PreferenceComparison): string {
  const pending = pair.error === undefined ? 'scoring…' : 'not scored';
  const margin =
    pair.margin !== undefined
      ? `<div class="meta margin">DPO implicit reward margin (β ${escapeHtml(String(pair.beta))}): ${signed(pair.margin, 4)} — training moved the model ${pair.margin > 0 ? 'toward the chosen' : pair.margin < 0 ? 'toward the rejected' : 'toward neither'} answer</div>`
      : '';
  return `<section data-line="${entry.line}" data-pair="true">
<h2>${escapeHtml(path.basename(entry.file))}:${entry.line} · preference pair</h2>
<div class="prompt">${escapeHtml(lastUserTurn(entry))}</div>
<div class="grid pair"><div class="head">Chosen</div><div class="head">Rejected</div>
<div class="cell"><pre>${escapeHtml(entry.expected)}</pre></div><div class="cell"><pre>${escapeHtml(pair.rejected)}</pre></div></div>
<table class="scores"><thead><tr><th>Model</th><th>log p(chosen)</th><th>log p(rejected)</th><th>log p(chosen) − log p(rejected)</th><th>Verdict</th></tr></thead>
<tbody>${scoreRow(comparison.baseLabel, 'base', pair.base, pending)}${scoreRow(comparison.tunedLabel, 'tuned', pair.tuned, pending)}</tbody></table>
${margin}${pair.error !== undefined ? `<div class="cell error">${escapeHtml(pair.error)}</div>` : ''}
</section>`;
}

export function comparisonHtml(comparison: Comparison, options: { nonce?: string; status?: string } = {}): string {
  const nonce = options.nonce ?? randomBytes(16).toString('base64').replace(/[+/=]/g, '');
  const sections = comparison.entries
    .map((entry) => {
      if (entry.preference) return pairSection(comparison, entry, entry.preference);
      const lastUser = lastUserTurn(entry);
      return `<section data-line="${entry.line}">
<h2>${escapeHtml(path.basename(entry.file))}:${entry.line}</h2>
<div class="prompt">${escapeHtml(lastUser)}</div>
<div class="grid"><div class="head">Expected</div><div class="head">${escapeHtml(comparison.baseLabel)}</div><div class="head">${escapeHtml(comparison.tunedLabel)}</div>
<div class="cell"><pre>${escapeHtml(entry.expected)}</pre></div>${cell(entry.base, 'generating…')}${cell(entry.tuned, entry.base ? 'generating…' : 'waiting')}</div>
</section>`;
    })
    .join('\n');
  const summary = preferenceSummary(comparison.entries);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${STYLE}</style><title>Comparison</title></head>
<body><header><h1>${comparison.entries.length > 0 && comparison.entries.every((entry) => entry.preference) ? 'Chosen vs rejected' : 'Expected'} · ${escapeHtml(comparison.baseLabel)} · ${escapeHtml(comparison.tunedLabel)}</h1>
<div class="sub">${escapeHtml(options.status ?? `${comparison.entries.length} records`)} — ${escapeHtml(comparison.runDir)}</div>${summary ? `\n<div class="summary">${escapeHtml(preferenceSummaryText(summary))}</div>` : ''}</header>
${sections}
</body></html>`;
}
