// A "Preview" CodeLens above every record of a dataset (capped for very large files: the lens is for browsing, and
// thousands of lenses slow the editor). Untrusted workspaces get none: previewing runs a model.
import * as vscode from 'vscode';
import { previewCommandIds } from './contributions';
import { codeLensEnabled } from './settings';

const MAX_LENSES = 5000;

export class RecordPreviewCodeLens implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  static register(modelLabel: () => string | undefined, onModelChange: vscode.Event<unknown>): vscode.Disposable {
    const provider = new RecordPreviewCodeLens(modelLabel);
    return vscode.Disposable.from(
      vscode.languages.registerCodeLensProvider([{ language: 'jsonl' }, { pattern: '**/*.jsonl' }], provider),
      vscode.workspace.onDidGrantWorkspaceTrust(() => provider.changeEmitter.fire()),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('finetune.preview.codeLens') && provider.changeEmitter.fire()),
      onModelChange(() => provider.changeEmitter.fire()),
      provider.changeEmitter,
    );
  }

  private constructor(private readonly modelLabel: () => string | undefined) {}

  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted || !codeLensEnabled()) return [];
    const label = this.modelLabel();
    const title = label ? `$(play) Preview with ${label}` : '$(play) Preview';
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount && lenses.length < MAX_LENSES; line++) {
      if (token.isCancellationRequested) break;
      const text = document.lineAt(line).text;
      // Objects only: the language server decides the rest (a line that does not parse says so when clicked).
      if (!text.trimStart().startsWith('{')) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title, command: previewCommandIds.preview, arguments: [document.uri, line] }));
    }
    return lenses;
  }
}
