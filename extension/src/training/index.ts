// The training part of the extension: the run manager (engine workers, never the extension host), its commands, the
// Runs view, the dashboard panels, the status bar and the run configuration CodeLens. `registerTraining(ctx)` is the
// one call extension.ts makes. Untrusted workspaces: the commands that start a run refuse (with the way to trust),
// the Runs view explains, validation is untouched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import type { CommandFactory } from '../command-factory';
import { registerCommands } from '../register-commands';
import type { Ctx } from '../ctx';
import { RunConfigurationCodeLens } from './codelens';
import { runsViewId, trainingCommandIds as ids, trainingDeviceSetting } from './contributions';
import { DashboardPanel } from './dashboard-panel';
import { checkDataset, ensureDatasetIsClean } from './dataset-check';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { statusWord } from '../../../contracts/src/run/run-status';
import { lossName, objectiveOf } from '../../../contracts/src/run/run-objective';
import type { RunHandle } from './run-handle';
import { exportRecipeCommand, importRunCommand, type ExportRecipeOptions, type ImportRunOptions } from './recipe-commands';
import { RunManager } from './run-manager';
import { argumentsFromConfiguration, readRunConfiguration } from './run-config';
import { runsRoots, RunsView, type RunSummary } from './runs-view';
import { startTrainingFlow } from './start-flow';
import { TrainingStatus } from './status';

/** What commands receive: a run folder Uri (menus, dashboard), a Runs view item, or nothing (command palette). */
type RunArgument = vscode.Uri | RunSummary | undefined;

function runDirOf(argument: RunArgument): string | undefined {
  if (!argument) return undefined;
  return argument instanceof vscode.Uri ? argument.fsPath : argument.runDir;
}

export function registerTraining(ctx: Ctx): { manager: RunManager } {
  // The worker runs on the extension host's own runtime as plain Node (the run manager sets ELECTRON_RUN_AS_NODE).
  const manager = new RunManager({ launch: { command: process.execPath, args: [ctx.asAbsolutePath(path.join('dist', 'worker.js'))] } });
  const runsView = new RunsView(manager);
  ctx.pushDisposable(manager);
  ctx.pushDisposable(runsView);
  ctx.pushDisposable(vscode.window.registerTreeDataProvider(runsViewId, runsView));
  ctx.pushDisposable(new TrainingStatus(ctx, manager));
  ctx.pushDisposable(DashboardPanel.registerSerializer(ctx, manager));
  ctx.pushDisposable(RunConfigurationCodeLens.register());
  ctx.pushDisposable(manager.onInfo(({ runDir, message }) => ctx.output.info(`${path.basename(runDir)}: ${message}`)));
  // A reloaded window picks up the runs its predecessor started: they kept going in their workers.
  for (const root of runsRoots()) {
    for (const handle of manager.reattachRunning(root)) ctx.output.info(`re-attached to the running run ${handle.runDir}`);
  }

  const start = async (given: TrainingArgumentsInput): Promise<RunHandle | undefined> => {
    // The run configuration's device wins; otherwise the setting (a resumed run keeps the one run.json recorded).
    const device = given.device ?? (given.resume ? undefined : vscode.workspace.getConfiguration().get<TrainingArgumentsInput['device']>(trainingDeviceSetting));
    const args = device ? { ...given, device } : given;
    ctx.output.info(`starting ${args.resume ? 'resumed ' : ''}run ${args.out}${device ? ` on ${device}` : ''}`);
    const handle = await manager.start(args);
    DashboardPanel.show(ctx, manager, handle.runDir);
    return handle;
  };
  const pickRun = async (filter: (run: RunSummary) => boolean, placeHolder: string): Promise<string | undefined> => {
    const runs = runsView.runs().filter(filter);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage(`No run to choose from: ${placeHolder.toLowerCase()}.`);
      return undefined;
    }
    if (runs.length === 1) return runs[0].runDir;
    const picked = await vscode.window.showQuickPick(
      runs.map((run) => ({ label: run.name, description: statusWord(run.status), detail: run.runDir, runDir: run.runDir })),
      { placeHolder },
    );
    return picked?.runDir;
  };
  const firstRoot = () => {
    const root = runsRoots()[0];
    if (!root) throw new Error('Open a folder first: runs are kept in the workspace.');
    return root;
  };

  const trusted: Record<string, CommandFactory> = {
    [ids.exportRecipe]: () => (argument?: unknown, options?: ExportRecipeOptions) => exportRecipeCommand(ctx, argument, options),
    [ids.importRun]: () => (options?: ImportRunOptions) => importRunCommand(ctx, options),
    [ids.start]: () => async (uri?: vscode.Uri) => {
      const args = await startTrainingFlow(ctx, firstRoot(), uri, (dataset) => checkDataset(ctx, dataset));
      if (args) await start(args);
    },
    [ids.startFromConfiguration]: () => async (uri?: vscode.Uri) => {
      const file = uri?.fsPath ?? vscode.window.activeTextEditor?.document.uri.fsPath;
      if (!file) throw new Error('Open a finetune.run.json file first.');
      await vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file)?.save();
      const configuration = readRunConfiguration(file);
      if (!(await ensureDatasetIsClean(ctx, vscode.Uri.file(configuration.data)))) return;
      const stem = path.basename(file).replace(/\.?finetune\.run\.json$/, '') || path.basename(path.dirname(file));
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
      const root = (folder && runsRoots()[vscode.workspace.workspaceFolders!.indexOf(folder)]) ?? firstRoot();
      await start(argumentsFromConfiguration(configuration, root, stem));
    },
    [ids.resume]: () => async (argument?: RunArgument) => {
      const runDir = runDirOf(argument) ?? (await pickRun((run) => run.status === 'cancelled' || run.status === 'error', 'Choose the run to resume'));
      if (!runDir) return;
      const config = readRunInfo(runDir)?.config;
      if (!config) throw new Error(`${runDir} has no run.json: it never started, so there is nothing to resume.`);
      await start({ ...(config as TrainingArgumentsInput), out: runDir, resume: true });
    },
  };

  const open: Record<string, CommandFactory> = {
    [ids.stop]: () => async (argument?: RunArgument) => {
      const runDir = runDirOf(argument) ?? (await pickRun((run) => run.status === 'running', 'Choose the run to stop'));
      if (!runDir) return;
      const handle = manager.get(runDir) ?? manager.attach(runDir);
      if (handle.status !== 'running') return;
      ctx.output.info(`stopping ${runDir}: it ends at the next step with a checkpoint`);
      await handle.cancel();
    },
    [ids.openDashboard]: () => async (argument?: RunArgument) => {
      const runDir = runDirOf(argument) ?? (await pickRun(() => true, 'Choose the run whose dashboard to open'));
      if (runDir) DashboardPanel.show(ctx, manager, runDir);
    },
    [ids.refreshRuns]: () => () => runsView.refresh(),
    [ids.compareRuns]: () => async (argument?: RunArgument) => {
      const first = runDirOf(argument) ?? (await pickRun(() => true, 'Choose the first run'));
      if (!first) return;
      const second = await pickRun((run) => run.runDir !== path.resolve(first), `Compare ${path.basename(first)} with…`);
      if (!second) return;
      DashboardPanel.show(ctx, manager, first).compareWith(second);
      // a DPO loss (from ln 2 down, per pair) and an SFT loss (per token) share an axis but not a meaning
      const [a, b] = [first, second].map((runDir) => objectiveOf(readRunInfo(runDir)?.config));
      if (a !== b) void vscode.window.showWarningMessage(`${path.basename(first)} is ${a === 'dpo' ? 'a DPO' : 'an SFT'} run and ${path.basename(second)} ${b === 'dpo' ? 'a DPO' : 'an SFT'} run: their losses measure different things (${lossName('dpo')} per pair, ${lossName('sft')} per token).`);
    },
    [ids.deleteRun]: () => async (argument?: RunArgument) => {
      const runDir = runDirOf(argument);
      if (!runDir) return;
      if (manager.get(runDir)?.status === 'running') throw new Error('Stop the run before deleting it.');
      const answer = await vscode.window.showWarningMessage(`Delete the run ${path.basename(runDir)}?`, { modal: true, detail: `${runDir}\nIts checkpoints, metrics and adapter or model are deleted from disk.` }, 'Delete');
      if (answer !== 'Delete') return;
      manager.forget(runDir);
      await fs.promises.rm(runDir, { recursive: true, force: true });
      ctx.output.info(`deleted ${runDir}`);
      runsView.refresh();
    },
    [ids.openRunFolder]: () => async (argument?: RunArgument) => {
      const runDir = runDirOf(argument);
      if (runDir) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(runDir));
    },
  };

  registerCommands(ctx, trusted, { requiresTrust: true });
  registerCommands(ctx, open);
  return { manager };
}
