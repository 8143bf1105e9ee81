// Hosts the training dashboard webview: one panel per run, fed from the run's handle (live notifications or the
// polled run directory), batched to a few messages a second, restored after a window reload by a serializer. The
// panel only watches: closing it never stops the run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createNonce, dashboardHtml } from '../../../webviews/src/dashboard/html';
import type { DashboardFailure, DashboardRun, DashboardToHost, DashboardViewState, HostToDashboard } from '../../../contracts/src/webview/dashboard-messages';
import type { Ctx } from '../ctx';
import { dashboardViewType, trainingCommandIds } from './contributions';
import type { Disposable } from './emitter';
import { readAllEvents } from '../../../engine/src/run-folder/metrics-reader';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import type { RunEvent } from '../../../contracts/src/run/run-events';
import type { RunEnd, RunHandle } from './run-handle';
import type { RunManager } from './run-manager';

const flushEveryMs = 150;

export function describeEnd(end: RunEnd | undefined): DashboardFailure | undefined {
  if (!end || end.status !== 'error') return undefined;
  if (end.crash) {
    const how = end.crash.signal ? `was killed (${end.crash.signal})` : end.crash.exitCode !== null ? `exited with code ${end.crash.exitCode}` : 'is gone';
    return { message: `The engine worker ${how} without finishing the run.`, logTail: end.crash.logTail };
  }
  const message = end.terminal?.type === 'error' ? end.terminal.message : 'The run failed.';
  return { message, logTail: [] };
}

export class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private handleListeners: Disposable[] = [];
  private handle!: RunHandle;
  private pending: RunEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;
  private compareRunDir: string | undefined;

  /** Shows (or focuses) the dashboard of a run. */
  static show(ctx: Ctx, manager: RunManager, runDir: string): DashboardPanel {
    const key = path.resolve(runDir);
    const existing = DashboardPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(dashboardViewType, title(key), vscode.ViewColumn.Active, webviewOptions(ctx));
    return new DashboardPanel(ctx, manager, panel, key);
  }

  /** Brings dashboards back after a window reload (their view state names the run). */
  static registerSerializer(ctx: Ctx, manager: RunManager): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(dashboardViewType, {
      deserializeWebviewPanel: async (panel, state: DashboardViewState | undefined) => {
        if (!state?.runDir || !fs.existsSync(state.runDir)) {
          panel.dispose();
          return;
        }
        panel.webview.options = webviewOptions(ctx);
        new DashboardPanel(ctx, manager, panel, path.resolve(state.runDir));
      },
    });
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly manager: RunManager,
    readonly panel: vscode.WebviewPanel,
    readonly runDir: string,
  ) {
    DashboardPanel.open.set(runDir, this);
    panel.title = title(runDir);
    const webview = panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.file(ctx.asAbsolutePath(path.join('dist', 'webviews', file)))).toString();
    webview.html = dashboardHtml({ scriptUri: asset('dashboard.js'), styleUri: asset('dashboard.css'), cspSource: webview.cspSource, nonce: createNonce() });
    this.bind(manager.get(runDir) ?? manager.attach(runDir));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is destroyed; it says `ready` again when shown, and gets the whole state then.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      webview.onDidReceiveMessage((message: DashboardToHost) => this.onMessage(message)),
      // A resumed run gets a new handle for the same folder: follow it.
      manager.onDidChange((handle) => {
        if (handle.runDir === runDir && handle !== this.handle) {
          this.bind(handle);
          this.sendInit();
        }
      }),
    );
  }

  private bind(handle: RunHandle): void {
    for (const listener of this.handleListeners.splice(0)) listener.dispose();
    this.handle = handle;
    this.pending = [];
    this.handleListeners = [
      handle.onEvent((event) => {
        this.pending.push(event);
        this.scheduleFlush();
      }),
      handle.onUpdate(() => this.scheduleFlush()),
      handle.onReset(() => this.sendInit()),
      handle.onEnd(() => {
        this.flush();
        this.post({ type: 'status', status: handle.status, snapshot: handle.snapshot, failure: describeEnd(handle.end) });
      }),
    ];
  }

  private post(message: HostToDashboard): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private sendInit(): void {
    const info = readRunInfo(this.runDir);
    const run: DashboardRun = {
      name: path.basename(this.runDir),
      runDir: this.runDir,
      status: this.handle.status,
      config: info?.config ?? {},
      resolved: info?.resolved ?? {},
    };
    this.pending = [];
    this.post({ type: 'init', run, events: [...this.handle.events], snapshot: this.handle.snapshot, failure: describeEnd(this.handle.end) });
    if (this.compareRunDir) this.sendComparison(this.compareRunDir);
  }

  /** Overlays another run's loss curves on this dashboard's loss chart. */
  compareWith(runDir: string): void {
    this.compareRunDir = path.resolve(runDir);
    this.panel.reveal();
    this.sendComparison(this.compareRunDir);
  }

  private sendComparison(runDir: string): void {
    const events = (this.manager.get(runDir)?.events ?? readAllEvents(runDir)).filter((event) => event.type === 'step' || event.type === 'eval');
    this.post({ type: 'compare', name: path.basename(runDir), events });
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), flushEveryMs);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const events = this.pending.splice(0);
    if (events.length > 0) this.post({ type: 'events', events, snapshot: this.handle.snapshot });
    else this.post({ type: 'status', status: this.handle.status, snapshot: this.handle.snapshot, failure: describeEnd(this.handle.end) });
  }

  private onMessage(message: DashboardToHost): void {
    const run = vscode.Uri.file(this.runDir);
    switch (message.type) {
      case 'ready': // first load, or shown again after being hidden (the page was rebuilt)
        this.ready = true;
        this.sendInit();
        break;
      case 'stop':
        void vscode.commands.executeCommand(trainingCommandIds.stop, run);
        break;
      case 'resume':
        void vscode.commands.executeCommand(trainingCommandIds.resume, run);
        break;
      case 'openFolder':
        void vscode.commands.executeCommand(trainingCommandIds.openRunFolder, run);
        break;
      case 'export':
        void exportRun(this.ctx, this.runDir);
        break;
    }
  }

  dispose(): void {
    DashboardPanel.open.delete(this.runDir);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const listener of this.handleListeners.splice(0)) listener.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** The export command of the export part when installed; otherwise the run's PEFT adapter or model folder. */
async function exportRun(ctx: Ctx, runDir: string): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes('finetune.exportRun')) {
    await vscode.commands.executeCommand('finetune.exportRun', vscode.Uri.file(runDir));
    return;
  }
  const output = readRunInfo(runDir)?.output;
  const folder = output ? path.resolve(runDir, output) : undefined;
  if (!folder || !fs.existsSync(folder)) {
    void vscode.window.showInformationMessage('This run has no exported adapter or model yet: it is written when the run is done.');
    return;
  }
  ctx.output.info(`run output (PEFT adapter or HF model): ${folder}`);
  await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder));
}

function title(runDir: string): string {
  return `Training: ${path.basename(runDir)}`;
}

function webviewOptions(ctx: Ctx): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.file(ctx.asAbsolutePath(path.join('dist', 'webviews')))],
  };
}
