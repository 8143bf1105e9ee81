// The Runs view: every run folder under each workspace folder's runs folder, newest first, with its status and key
// figures (steps, loss, best eval loss, duration, device; a dpo run's "DPO loss" and reward accuracy: see
// ./run-description.ts). Finished runs are summarised once per change of their metrics file; running ones come from
// their live handles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsFolderSetting, trainingCommandIds, TRAINING_SETTING_DEFAULTS } from './contributions';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';
import { statusWord, type RunStatus } from '../../../contracts/src/run/run-status';
import { listRunDirectories } from '../../../engine/src/run-folder/list-runs';
import { readAllEvents } from '../../../engine/src/run-folder/metrics-reader';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { statusFromFiles } from '../../../engine/src/run-folder/run-state';
import { readWorkerRecord } from '../../../engine/src/run-folder/worker-files';
import type { RunManager } from './run-manager';
import { applyResolved, snapshotOf, type RunSnapshot } from '../../../contracts/src/run/run-snapshot';
import { describeRun, describeRunRows } from './run-description';

export interface RunSummary {
  runDir: string;
  name: string;
  status: RunStatus;
  snapshot: RunSnapshot;
  config: Record<string, unknown>;
}

/** The runs folders of the open workspace folders (setting `finetune.training.runsFolder`). */
export function runsRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => {
    const setting = vscode.workspace.getConfiguration(undefined, folder.uri).get<string>(runsFolderSetting) || TRAINING_SETTING_DEFAULTS.runsFolder;
    return path.isAbsolute(setting) ? setting : path.join(folder.uri.fsPath, setting);
  });
}

const statusIcons: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

export class RunsView implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunSummary | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly cache = new Map<string, { stamp: string; summary: RunSummary }>();
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly manager: RunManager) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{run.json,metrics.jsonl}');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.scheduleRefresh()),
      watcher.onDidDelete(() => this.scheduleRefresh()),
      manager.onDidChange(() => this.scheduleRefresh()),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(runsFolderSetting) && this.refresh()),
    );
  }

  /** Live figures of running runs refresh every second; anything else on change. */
  scheduleRefresh(delayMs = 300): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, delayMs);
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** All runs of the workspace, newest first. */
  runs(): RunSummary[] {
    return runsRoots().flatMap((root) => listRunDirectories(root)).map((runDir) => this.summarise(runDir));
  }

  getChildren(element?: RunSummary): RunSummary[] {
    if (element) return [];
    const runs = this.runs();
    if (runs.some((run) => run.status === 'running')) this.scheduleRefresh(1000);
    return runs;
  }

  getTreeItem(run: RunSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = run.runDir;
    item.resourceUri = vscode.Uri.file(run.runDir);
    item.iconPath = statusIcons[run.status];
    item.contextValue = `run.${statusWord(run.status)}`; // package.json's menus match these words
    item.description = describeRun(run);
    item.tooltip = tooltip(run);
    item.command = { title: 'Open Training Dashboard', command: trainingCommandIds.openDashboard, arguments: [vscode.Uri.file(run.runDir)] };
    return item;
  }

  private summarise(runDir: string): RunSummary {
    const live = this.manager.get(runDir);
    const info = readRunInfo(runDir);
    if (live) return { runDir, name: path.basename(runDir), status: live.status, snapshot: live.snapshot, config: info?.config ?? {} };
    const metrics = runFolderPath(runDir, 'metrics');
    const stat = fs.statSync(metrics, { throwIfNoEntry: false });
    const stamp = `${stat?.mtimeMs ?? 0}:${stat?.size ?? 0}:${info?.updatedAt ?? ''}`;
    const cached = this.cache.get(runDir);
    if (cached?.stamp === stamp && cached.summary.status !== 'running') return cached.summary;
    const events = readAllEvents(runDir);
    const { status } = statusFromFiles(events, readWorkerRecord(runDir));
    const summary: RunSummary = { runDir, name: path.basename(runDir), status, snapshot: applyResolved(snapshotOf(events), info?.resolved), config: info?.config ?? {} };
    this.cache.set(runDir, { stamp, summary });
    return summary;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changeEmitter.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function tooltip(run: RunSummary): vscode.MarkdownString {
  const rows = describeRunRows(run);
  const markdown = new vscode.MarkdownString(`**${run.name}**\n\n| | |\n|---|---|\n${rows.map(([key, value]) => `| ${key} | ${value.replace(/\|/g, '\\|')} |`).join('\n')}`);
  markdown.supportHtml = false;
  return markdown;
}
