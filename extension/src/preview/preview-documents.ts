// Read-only virtual documents for the preview's diff editor: the expected response on the left, the generated one on
// the right, growing as tokens arrive. Change events are coalesced so a fast stream does not flood the editor.
import * as vscode from 'vscode';

export const PREVIEW_SCHEME = 'finetune-preview';
const FLUSH_MS = 40;

export class PreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly pending = new Map<string, vscode.Uri>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly onDidChange = this.changed.event;

  static register(): { documents: PreviewDocuments; disposable: vscode.Disposable } {
    const documents = new PreviewDocuments();
    return { documents, disposable: vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, documents), documents) };
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A fresh document name per request, so two previews of one record never share a buffer. */
  static uri(...segments: string[]): vscode.Uri {
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${segments.map((segment) => segment.replace(/[\\/]/g, '_')).join('/')}` });
  }

  text(uri: vscode.Uri): string {
    return this.provideTextDocumentContent(uri);
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.schedule(uri);
  }

  append(uri: vscode.Uri, text: string): void {
    this.set(uri, this.text(uri) + text);
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  private schedule(uri: vscode.Uri): void {
    this.pending.set(uri.toString(), uri);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const uri of this.pending.values()) this.changed.fire(uri);
    this.pending.clear();
  }

  dispose(): void {
    this.flush();
    this.changed.dispose();
    this.texts.clear();
  }
}
