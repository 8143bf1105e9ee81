// Which dataset (and line) a command acts on: the Uri a menu or caller passed, else the active jsonl editor.
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../../contracts/src/lsp-protocol';

export async function targetDocument(argument: unknown): Promise<vscode.TextDocument | undefined> {
  if (argument instanceof vscode.Uri) return vscode.workspace.openTextDocument(argument);
  if (typeof argument === 'string' && argument) return vscode.workspace.openTextDocument(vscode.Uri.parse(argument));
  const editor = vscode.window.activeTextEditor;
  if (editor && (editor.document.languageId === LANGUAGE_ID || editor.document.fileName.endsWith('.jsonl'))) return editor.document;
  void vscode.window.showInformationMessage('Open a JSONL dataset first (a .jsonl file), then run this command again.');
  return undefined;
}

/** The 0-based line: the one passed, else the cursor's line when the document is the active editor's. */
export function targetLine(document: vscode.TextDocument, argument: unknown): number {
  if (typeof argument === 'number' && Number.isInteger(argument) && argument >= 0) return argument;
  const editor = vscode.window.activeTextEditor;
  return editor?.document === document ? editor.selection.active.line : 0;
}

/** Opens the document (in the column it is already shown in, if any) and selects and centres a line. */
export async function revealLine(uri: vscode.Uri, line: number): Promise<void> {
  const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
  const document = await vscode.workspace.openTextDocument(uri);
  const target = document.lineAt(Math.min(line, document.lineCount - 1)).range;
  const editor = await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, selection: target, preserveFocus: false });
  editor.revealRange(target, vscode.TextEditorRevealType.InCenter);
}
