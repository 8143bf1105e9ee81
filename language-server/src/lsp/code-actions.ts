// Code actions only look up the fixes the service computed while validating (vscode-eslint's habit): a quick fix
// per fix of each diagnostic in the request, a "fix all" quick fix when several safe fixes exist, and the
// `source.fixAll` action that editors run on save.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Finding, Fix, Position, Range } from '../../../contracts/src/dataset-types';
import type { FindingIndex } from './diagnostics';

/** Our own fix-all kind, so `editor.codeActionsOnSave: {"source.fixAll.finetune": "explicit"}` can target it. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.finetune`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, FIX_ALL_KIND];

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function same(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

/** Two edits conflict when their ranges overlap, or when both insert at the same place (the order would matter). */
function conflict(a: Range, b: Range): boolean {
  if (before(a.start, b.end) && before(b.start, a.end)) return true;
  return same(a.start, b.start) && (same(a.start, a.end) || same(b.start, b.end));
}

/**
 * The safe (preferred) fixes of all findings as one list of edits: fixes are taken in document order and a fix
 * whose edits conflict with an earlier one is left for the next run, exactly as eslint's fix-all does.
 */
export function fixAllEdits(findings: readonly Finding[]): TextEdit[] {
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    for (const fix of finding.fixes ?? []) {
      if (!fix.preferred || fix.edits.length === 0) continue;
      const key = JSON.stringify(fix.edits);
      if (seen.has(key)) continue;
      seen.add(key);
      fixes.push(fix);
    }
  }
  const firstStart = (fix: Fix) => fix.edits.reduce((min, edit) => (before(edit.range.start, min) ? edit.range.start : min), fix.edits[0].range.start);
  fixes.sort((a, b) => {
    const sa = firstStart(a);
    const sb = firstStart(b);
    return sa.line - sb.line || sa.character - sb.character;
  });
  const taken: TextEdit[] = [];
  for (const fix of fixes) {
    if (fix.edits.some((edit) => taken.some((other) => conflict(edit.range, other.range)))) continue;
    taken.push(...fix.edits);
  }
  return taken;
}

function fixAllAction(uri: string, findings: readonly Finding[], kind: string, title: string): CodeAction | null {
  const edits = fixAllEdits(findings);
  if (edits.length === 0) return null;
  return { title, kind, edit: { changes: { [uri]: edits } } };
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

export function codeActions(params: CodeActionParams, index: FindingIndex): CodeAction[] {
  const uri = params.textDocument.uri;
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wants(only, CodeActionKind.QuickFix)) {
    let fixable = 0;
    for (const diagnostic of params.context.diagnostics) {
      const finding = index.lookup(diagnostic);
      for (const fix of finding?.fixes ?? []) {
        fixable++;
        actions.push(quickFix(uri, diagnostic, fix));
      }
    }
    // Like eslint: when the cursor is on a fixable problem and others exist, offer to fix them all at once.
    if (fixable > 0 && index.findings.filter((f) => f.fixes?.some((fix) => fix.preferred)).length > 1) {
      const all = fixAllAction(uri, index.findings, CodeActionKind.QuickFix, 'Fix all auto-fixable dataset problems');
      if (all) actions.push(all);
    }
  }
  // source.fixAll is only offered when asked for (on save, or "Fix All"): never in the light bulb.
  if (only && wants(only, FIX_ALL_KIND)) {
    const all = fixAllAction(uri, index.findings, FIX_ALL_KIND, 'Fix all auto-fixable dataset problems');
    if (all) actions.push(all);
  }
  return actions;
}

function quickFix(uri: string, diagnostic: Diagnostic, fix: Fix): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.preferred === true,
    edit: { changes: { [uri]: fix.edits } },
  };
}
