// A base-vs-fine-tuned comparison as saved in the run folder (`RUN_DIR/compare-<timestamp>.jsonl`, one record per
// line, written atomically after each record so a reader never sees half a file) and as shown side by side: static
// HTML with a strict CSP (no script at all). Pure: no vscode imports.
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

export interface ComparisonEntry {
  /** Absolute path of the dataset file. */
  file: string;
  /** 1-based line of the record. */
  line: number;
  prompt: ChatTurnParams[];
  expected: string;
  base?: GeneratedReply;
  tuned?: GeneratedReply;
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
`;

export function comparisonHtml(comparison: Comparison, options: { nonce?: string; status?: string } = {}): string {
  const nonce = options.nonce ?? randomBytes(16).toString('base64').replace(/[+/=]/g, '');
  const sections = comparison.entries
    .map((entry) => {
      const lastUser = [...entry.prompt].reverse().find((turn) => turn.role === 'user') ?? entry.prompt[entry.prompt.length - 1];
      return `<section data-line="${entry.line}">
<h2>${escapeHtml(path.basename(entry.file))}:${entry.line}</h2>
<div class="prompt">${escapeHtml(lastUser?.content ?? '')}</div>
<div class="grid"><div class="head">Expected</div><div class="head">${escapeHtml(comparison.baseLabel)}</div><div class="head">${escapeHtml(comparison.tunedLabel)}</div>
<div class="cell"><pre>${escapeHtml(entry.expected)}</pre></div>${cell(entry.base, 'generating…')}${cell(entry.tuned, entry.base ? 'generating…' : 'waiting')}</div>
</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${STYLE}</style><title>Comparison</title></head>
<body><header><h1>Expected · ${escapeHtml(comparison.baseLabel)} · ${escapeHtml(comparison.tunedLabel)}</h1>
<div class="sub">${escapeHtml(options.status ?? `${comparison.entries.length} records`)} — ${escapeHtml(comparison.runDir)}</div></header>
${sections}
</body></html>`;
}
