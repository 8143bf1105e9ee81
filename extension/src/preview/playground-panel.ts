// Hosts the playground webview: lists the models (base and finished runs), streams replies from the generation
// worker, stops them on request, and appends a good exchange to a dataset in that file's format. One panel per
// window, restored after a reload (its conversation lives in the webview's state).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ReportRequest } from '../../../contracts/src/lsp-protocol';
import type { HostToPlayground, PlaygroundToHost } from '../../../contracts/src/webview/playground-messages';
import { createNonce, playgroundHtml } from '../../../webviews/src/playground/html';
import { describe } from '../ctx';
import { PLAYGROUND_VIEW_TYPE } from './contributions';
import { targetOf } from './model-choice';
import { appendedText, exchangeRecord } from './playground-record';
import type { PreviewServices } from './services';
import { previewDevice } from './settings';

export class PlaygroundPanel {
  private static current: PlaygroundPanel | undefined;
  /** The dataset last active in an editor: where "Copy to Dataset" goes without asking. */
  static lastDataset: vscode.Uri | undefined;
  private readonly jobs = new Map<string, AbortController>();
  private readonly disposables: vscode.Disposable[] = [];

  static show(services: PreviewServices): PlaygroundPanel {
    if (PlaygroundPanel.current) {
      PlaygroundPanel.current.panel.reveal();
      return PlaygroundPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, 'Fine-Tune Playground', vscode.ViewColumn.Beside, options(services));
    return new PlaygroundPanel(services, panel);
  }

  static register(services: PreviewServices): vscode.Disposable {
    const track = (editor: vscode.TextEditor | undefined) => {
      if (editor?.document.uri.scheme === 'file' && editor.document.fileName.endsWith('.jsonl')) PlaygroundPanel.lastDataset = editor.document.uri;
    };
    track(vscode.window.activeTextEditor);
    return vscode.Disposable.from(
      vscode.window.onDidChangeActiveTextEditor(track),
      vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          panel.webview.options = options(services);
          new PlaygroundPanel(services, panel);
        },
      }),
    );
  }

  private constructor(
    private readonly services: PreviewServices,
    readonly panel: vscode.WebviewPanel,
  ) {
    PlaygroundPanel.current = this;
    const webview = panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.file(services.ctx.asAbsolutePath(path.join('dist', 'webviews', file)))).toString();
    webview.html = playgroundHtml({ scriptUri: asset('playground.js'), styleUri: asset('playground.css'), cspSource: webview.cspSource, nonce: createNonce() });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((message: PlaygroundToHost) => this.onMessage(message)),
      services.picker.onDidChange(() => this.postModels()),
    );
  }

  private post(message: HostToPlayground): void {
    void this.panel.webview.postMessage(message);
  }

  private postModels(): void {
    const models = this.services.picker.choices().map((choice) => ({ id: choice.id, label: choice.label, description: choice.description }));
    this.post({ type: 'models', models, selected: this.services.picker.current()?.id });
  }

  private onMessage(message: PlaygroundToHost): void {
    switch (message.type) {
      case 'ready':
        this.postModels();
        break;
      case 'send':
        void this.generate(message);
        break;
      case 'stop':
        this.jobs.get(message.id)?.abort();
        break;
      case 'selectModel': {
        const choice = this.services.picker.byId(message.modelId);
        if (choice) void this.services.picker.set(choice);
        break;
      }
      case 'copyToDataset':
        this.copyToDataset(message.system, message.turns).catch((error: unknown) => this.post({ type: 'copyFailed', message: describe(error) }));
        break;
    }
  }

  private async generate(message: Extract<PlaygroundToHost, { type: 'send' }>): Promise<void> {
    const choice = this.services.picker.byId(message.modelId);
    if (!choice) return this.post({ type: 'failed', id: message.id, message: 'That model is no longer available: choose another.' });
    const controller = new AbortController();
    this.jobs.set(message.id, controller);
    const turns = [...(message.system.trim() ? [{ role: 'system', content: message.system }] : []), ...message.turns];
    try {
      const { temperature, topP, maxNewTokens, stop } = message.settings;
      const result = await this.services.client.generate(
        { ...targetOf(choice, previewDevice()), turns, settings: { temperature, topP, maxNewTokens, stop } },
        {
          signal: controller.signal,
          onStarted: (started) => this.post({ type: 'started', id: message.id, deviceDescription: started.deviceDescription }),
          onDelta: (text) => this.post({ type: 'delta', id: message.id, text }),
        },
      );
      this.post({ type: 'done', id: message.id, finishReason: result.finishReason, generatedTokens: result.generatedTokens, tokensPerSecond: result.tokensPerSecond, device: result.device });
    } catch (error) {
      this.services.ctx.output.warn(`playground: ${describe(error)}`);
      this.post({ type: 'failed', id: message.id, message: describe(error) });
    } finally {
      this.jobs.delete(message.id);
    }
  }

  private async copyToDataset(system: string, turns: Extract<PlaygroundToHost, { type: 'copyToDataset' }>['turns']): Promise<void> {
    let target = PlaygroundPanel.lastDataset;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JSON Lines': ['jsonl'] }, openLabel: 'Add to This Dataset' });
      target = picked?.[0];
    }
    if (!target) return;
    const document = await vscode.workspace.openTextDocument(target);
    const report = await this.services.ctx.languageClient?.sendRequest(ReportRequest, { uri: document.uri.toString() });
    const format = report?.detectedFormat ?? 'messages';
    const record = exchangeRecord(system, turns, format);
    if ('problem' in record) throw new Error(record.problem);
    const text = document.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(text.length), appendedText(text, record.line));
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${document.uri.fsPath}`);
    await document.save();
    const line = document.lineCount - (document.lineAt(document.lineCount - 1).text === '' ? 1 : 0);
    this.post({ type: 'copied', file: path.basename(document.uri.fsPath), line });
  }

  dispose(): void {
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = undefined;
    for (const job of this.jobs.values()) job.abort();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function options(services: PreviewServices): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.file(services.ctx.asAbsolutePath(path.join('dist', 'webviews')))] };
}
