// While a run goes: a status-bar item (step, loss, ETA; a click opens the dashboard) and a progress notification
// with a cancel button. When it ends: one message (done, cancelled, or the failure with "Resume" and "Show Log").
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { trainingCommandIds } from './contributions';
import { describeEnd } from './dashboard-panel';
import type { RunHandle } from './run-handle';
import type { RunManager } from './run-manager';
import { snapshotLossName } from './run-description';
import { formatDuration } from '../../../contracts/src/format-duration';
import { formatLoss, type RunSnapshot } from '../../../contracts/src/run/run-snapshot';

const runningContextKey = 'finetune.training.running';
const refreshEveryMs = 500;

export function statusText(snapshot: RunSnapshot): string {
  const step = snapshot.totalSteps ? `${snapshot.step}/${snapshot.totalSteps}` : String(snapshot.step);
  const eta = snapshot.etaMs !== undefined ? ` · ETA ${formatDuration(snapshot.etaMs, 'units')}` : '';
  return `$(pulse) step ${step} · ${snapshotLossName(snapshot)} ${formatLoss(snapshot.loss)}${eta}`;
}

export class TrainingStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('finetune.training', vscode.StatusBarAlignment.Left, 10);
  private readonly followed = new Set<RunHandle>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly ctx: Ctx,
    private readonly manager: RunManager,
  ) {
    this.item.name = 'Fine-Tune Training';
    this.subscription = manager.onDidChange((handle) => this.follow(handle));
    for (const handle of manager.running()) this.follow(handle);
    this.timer = setInterval(() => this.render(), refreshEveryMs);
    this.render();
  }

  private follow(handle: RunHandle): void {
    if (handle.status !== 'running' || this.followed.has(handle)) {
      this.render();
      return;
    }
    this.followed.add(handle);
    this.showProgress(handle);
    void handle.whenEnded().then(() => {
      this.followed.delete(handle);
      this.render();
      this.announceEnd(handle);
    });
    this.render();
  }

  // A notification that lives as long as the run; its cancel button stops the run (the dashboard stays usable).
  private showProgress(handle: RunHandle): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Training ${handle.name}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          const update = () => {
            const snapshot = handle.snapshot;
            const fraction = snapshot.totalSteps ? snapshot.step / snapshot.totalSteps : 0;
            const increment = Math.max(0, fraction * 100 - reported);
            reported += increment;
            progress.report({ increment, message: statusText(snapshot).replace('$(pulse) ', '') });
          };
          const listeners = [handle.onEvent(update), handle.onUpdate(update)];
          token.onCancellationRequested(() => {
            this.ctx.output.info(`stopping ${handle.runDir} (from the progress notification)`);
            void handle.cancel();
          });
          void handle.whenEnded().then(() => {
            listeners.forEach((listener) => listener.dispose());
            resolve();
          });
        }),
    );
  }

  private announceEnd(handle: RunHandle): void {
    const end = handle.end;
    if (!end) return;
    const runUri = vscode.Uri.file(handle.runDir);
    if (end.status === 'done') {
      const loss = `${snapshotLossName(handle.snapshot)} ${formatLoss(handle.snapshot.loss)}`;
      this.ctx.output.info(`${handle.runDir}: done at step ${handle.snapshot.step}, ${loss}`);
      void vscode.window.showInformationMessage(`Training ${handle.name} is done (${loss}).`, 'Open Dashboard').then((choice) => {
        if (choice) void vscode.commands.executeCommand(trainingCommandIds.openDashboard, runUri);
      });
      return;
    }
    if (end.status === 'cancelled') {
      this.ctx.output.info(`${handle.runDir}: cancelled at step ${handle.snapshot.step}`);
      return;
    }
    const failure = describeEnd(end);
    this.ctx.output.error(`${handle.runDir}: ${failure?.message ?? 'failed'}${failure?.logTail.length ? `\n${failure.logTail.join('\n')}` : ''}`);
    void vscode.window.showErrorMessage(`Training ${handle.name} failed: ${failure?.message ?? 'unknown error'}`, 'Resume', 'Show Log').then((choice) => {
      if (choice === 'Resume') void vscode.commands.executeCommand(trainingCommandIds.resume, runUri);
      if (choice === 'Show Log') this.ctx.output.show(true);
    });
  }

  private render(): void {
    const running = [...this.followed].filter((handle) => handle.status === 'running');
    void vscode.commands.executeCommand('setContext', runningContextKey, running.length > 0);
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    const [first] = running;
    this.item.text = statusText(first.snapshot) + (running.length > 1 ? ` (+${running.length - 1})` : '');
    this.item.tooltip = `Training ${first.name}${first.snapshot.device ? ` on ${first.snapshot.device}` : ''}: click to open the dashboard`;
    this.item.command = { title: 'Open Training Dashboard', command: trainingCommandIds.openDashboard, arguments: [vscode.Uri.file(first.runDir)] };
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
