// Hosts the dataset report webview: one panel per dataset, fed by the language server's `finetune/report`, refreshed
// (debounced) while the dataset is edited, restored after a window reload, and revealing lines on request.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ReportRequest } from '../../../contracts/src/lsp-protocol';
import type { HostToWebview, ReportViewState, WebviewToHost } from '../../../contracts/src/webview/report-messages';
import { describe, type Ctx } from '../ctx';
import { REPORT_VIEW_TYPE } from '../dataset-contributions';
import { revealLine } from '../target';
import { createNonce, reportHtml } from './html';

const REFRESH_DELAY_MS = 700;

export class ReportPanel {
  private static readonly open = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  /** Shows (or focuses) the report of a dataset. */
  static show(ctx: Ctx, uri: vscode.Uri): ReportPanel {
    const existing = ReportPanel.open.get(uri.toString());
    if (existing) {
      existing.panel.reveal(undefined, true);
      existing.refresh();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, title(uri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, options(ctx));
    return new ReportPanel(ctx, panel, uri);
  }

  /** Registers the serializer that brings report panels back after a window reload. */
  static registerSerializer(ctx: Ctx): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: ReportViewState | undefined) => {
        if (!state?.report?.uri) {
          panel.dispose();
          return;
        }
        panel.webview.options = options(ctx);
        new ReportPanel(ctx, panel, vscode.Uri.parse(state.report.uri));
      },
    });
  }

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
  ) {
    ReportPanel.open.set(uri.toString(), this);
    panel.title = title(uri);
    panel.webview.html = html(ctx, panel.webview);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: WebviewToHost) => this.onMessage(message)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === uri.toString()) this.scheduleRefresh();
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.refreshTimer === undefined) this.refresh();
      }),
    );
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private onMessage(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
      case 'refresh':
        this.refresh();
        break;
      case 'revealLine':
        revealLine(this.uri, message.line).then(undefined, (error: unknown) => this.ctx.showError('Could not reveal the line', error));
        break;
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.panel.visible) this.refresh();
    }, REFRESH_DELAY_MS);
  }

  /** Asks the server for a fresh report; an answer that arrives after a newer request is dropped. */
  refresh(): void {
    const generation = ++this.generation;
    const fileName = path.basename(this.uri.fsPath || this.uri.path);
    this.post({ type: 'loading', fileName });
    void this.fetch(generation).then(
      (report) => {
        if (generation !== this.generation) return;
        if (report) this.post({ type: 'report', fileName, report });
        else if (!this.ctx.languageClient) this.post({ type: 'error', fileName, message: 'The Fine-Tune language server is not running. Run "Fine-Tune: Restart Language Server".' });
        else this.post({ type: 'error', fileName, message: 'The language server did not answer for this dataset. Refresh, or open the file in an editor.' });
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.ctx.output.error(`report for ${this.uri.toString()} failed: ${describe(error)}`);
        this.post({ type: 'error', fileName, message: `The report failed: ${describe(error)}` });
      },
    );
  }

  private async fetch(generation: number) {
    // The server validates open documents only: opening (not showing) the dataset sends it didOpen. It may arrive
    // just after our request, so retry briefly.
    await vscode.workspace.openTextDocument(this.uri);
    for (let attempt = 0; attempt < 10 && generation === this.generation; attempt++) {
      const client = await this.ctx.ready();
      if (!client) return null;
      const report = await client.sendRequest(ReportRequest, { uri: this.uri.toString() });
      if (report) return report;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return null;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    ReportPanel.open.delete(this.uri.toString());
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

function title(uri: vscode.Uri): string {
  return `Report: ${path.basename(uri.fsPath || uri.path)}`;
}

function options(ctx: Ctx): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.file(ctx.asAbsolutePath('dist/webviews'))],
  };
}

function html(ctx: Ctx, webview: vscode.Webview): string {
  const resource = (file: string) => webview.asWebviewUri(vscode.Uri.file(ctx.asAbsolutePath(`dist/webviews/${file}`))).toString();
  return reportHtml({ scriptUri: resource('report.js'), styleUri: resource('report.css'), cspSource: webview.cspSource, nonce: createNonce(), title: 'Dataset report' });
}
