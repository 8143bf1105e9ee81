// Read-only documents that show one record rendered through the chat template, with the trained (assistant)
// spans highlighted by a decoration. Content lives in memory, keyed by the virtual document's Uri.
import * as vscode from 'vscode';
import type { RenderExampleResult } from '../../../contracts/src/lsp-protocol';

export const RENDERED_SCHEME = 'finetune-rendered';

interface Rendered {
  text: string;
  /** [start, end) character offsets of trained text in `text`. */
  trainedSpans: Array<[number, number]>;
}

/** The header line above the rendered text: where it comes from and its token counts. */
export function renderedHeader(fileName: string, result: RenderExampleResult): string {
  const { tokens, templateSource } = result.rendered;
  const estimate = tokens.estimated ? ' (estimated)' : '';
  return (
    `# ${fileName} line ${result.line + 1} · ${result.example.format} · ${result.example.turns.length} turns · ` +
    `${tokens.prompt} prompt + ${tokens.response} response = ${tokens.total} tokens${estimate} · ` +
    `${templateSource === 'model' ? "model's" : 'default'} chat template · highlighted: trained tokens\n\n`
  );
}

export class RenderedExampleProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, Rendered>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(RENDERED_SCHEME, this),
      // Decorations belong to editors, not documents: put them back whenever a rendered document is shown.
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.decorate(editor))),
      this.changed,
      this.decoration,
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString())?.text ?? '';
  }

  /** Stores a rendering under a Uri named after the dataset and line, and returns that Uri. */
  set(source: vscode.Uri, fileName: string, result: RenderExampleResult): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: RENDERED_SCHEME, path: `/${fileName} line ${result.line + 1}.txt`, query: source.toString() });
    const header = renderedHeader(fileName, result);
    const spans = result.rendered.trainedSpans.map(([start, end]): [number, number] => [start + header.length, end + header.length]);
    this.contents.set(uri.toString(), { text: header + result.rendered.text, trainedSpans: spans });
    this.changed.fire(uri);
    return uri;
  }

  decorate(editor: vscode.TextEditor): void {
    const rendered = this.contents.get(editor.document.uri.toString());
    if (!rendered) return;
    const { document } = editor;
    const ranges = rendered.trainedSpans.map(([start, end]) => new vscode.Range(document.positionAt(start), document.positionAt(end)));
    editor.setDecorations(this.decoration, ranges);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
