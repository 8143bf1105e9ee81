// "Fine-Tune: Export Run as Cluster Recipe…" and "Fine-Tune: Import Run…": the run handed to TRL, Axolotl or
// LLaMA-Factory on more GPUs (`finetune export-recipe`), and what they wrote brought back as a run
// (`finetune import-run`), both through the bundled CLI in a child process. Callers (tests) may pass the choices.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RECIPE_FORMATS, type RecipeFormat } from '../../../engine/src/recipes/recipe-run';
import type { Ctx } from '../ctx';
import { failureMessage, runCli } from '../export/cli-process';
import { runDirOfArgument } from '../export/export-command';
import { listRunDirectories } from '../../../engine/src/run-folder/list-runs';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { runsRoots } from './runs-view';

export interface ExportRecipeOptions {
  format?: RecipeFormat;
  out?: string;
  gpus?: number;
  nodes?: number;
  force?: boolean;
}

export interface ImportRunOptions {
  from?: string;
  out?: string;
}

const FORMAT_LABELS: Record<RecipeFormat, { label: string; detail: string }> = {
  trl: { label: 'TRL', detail: 'sft.yaml for `trl sft` (dpo.yaml for `trl dpo`), Accelerate DDP / DeepSpeed ZeRO-2, ZeRO-3 / FSDP configs, launch.sh, slurm.sbatch' },
  axolotl: { label: 'Axolotl', detail: 'axolotl.yaml, DeepSpeed configs, slurm.sbatch' },
  llamafactory: { label: 'LLaMA-Factory', detail: 'llamafactory.yaml + dataset_info.json, DeepSpeed configs, slurm.sbatch' },
};

async function runFinetune(ctx: Ctx, args: string[], title: string): Promise<string | undefined> {
  ctx.output.info(`finetune ${args.join(' ')}`);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
    const run = runCli(ctx.asAbsolutePath(path.join('dist', 'cli.js')), args);
    const subscription = token.onCancellationRequested(() => run.cancel());
    const outcome = await run.done.finally(() => subscription.dispose());
    if (outcome.cancelled) return undefined;
    if (outcome.code !== 0) throw new Error(failureMessage(outcome));
    ctx.output.info(outcome.stdout.trim());
    return outcome.stdout;
  });
}

async function pickFinishedRun(): Promise<string | undefined> {
  const runs = runsRoots()
    .flatMap((root) => listRunDirectories(root))
    .filter((runDir) => readRunInfo(runDir)?.status === 'done')
    .map((runDir) => ({ label: path.basename(runDir), detail: runDir, runDir }));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No finished run to export yet.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(runs, { placeHolder: 'Choose the run to hand to a cluster engine' }))?.runDir;
}

async function askWholeNumber(title: string, value: number): Promise<number | undefined> {
  const typed = await vscode.window.showInputBox({ title, value: String(value), validateInput: (text) => (/^[1-9]\d*$/.test(text.trim()) ? undefined : 'A whole number ≥ 1') });
  return typed === undefined ? undefined : Number(typed.trim());
}

export async function exportRecipeCommand(ctx: Ctx, argument?: unknown, options: ExportRecipeOptions = {}): Promise<string | undefined> {
  const runDir = runDirOfArgument(argument) ?? (await pickFinishedRun());
  if (!runDir) return undefined;
  const format = options.format ?? (await vscode.window.showQuickPick(RECIPE_FORMATS.map((id) => ({ ...FORMAT_LABELS[id], id })), { placeHolder: `Export ${path.basename(runDir)} as a recipe for…` }))?.id;
  if (!format) return undefined;
  const gpus = options.gpus ?? (await askWholeNumber('GPUs per node', 8));
  if (gpus === undefined) return undefined;
  const nodes = options.nodes ?? (await askWholeNumber('Nodes (slurm.sbatch)', 1));
  if (nodes === undefined) return undefined;
  const out = options.out ?? (await vscode.window.showInputBox({ title: 'Recipe folder', value: path.join(runDir, `recipe-${format}`), ignoreFocusOut: true }));
  if (!out) return undefined;
  const args = ['export-recipe', '--run', runDir, '--format', format, '--out', out, '--gpus', String(gpus), '--nodes', String(nodes), ...(options.force ? ['--force'] : [])];
  const stdout = await runFinetune(ctx, args, `Exporting ${path.basename(runDir)} as a ${FORMAT_LABELS[format].label} recipe`);
  if (stdout === undefined) return undefined;
  const readme = vscode.Uri.file(path.join(out, 'README.md'));
  if (!options.format) void vscode.commands.executeCommand('markdown.showPreview', readme).then(undefined, () => vscode.window.showTextDocument(readme));
  return out;
}

export async function importRunCommand(ctx: Ctx, options: ImportRunOptions = {}): Promise<string | undefined> {
  const from = options.from ?? (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Import this output folder', title: 'The engine\'s output_dir (trainer_state.json in a checkpoint, an adapter or a model)' }))?.[0]?.fsPath;
  if (!from) return undefined;
  const root = runsRoots()[0];
  const out = options.out ?? (await vscode.window.showInputBox({ title: 'Run folder to create', value: root ? path.join(root, `imported-${path.basename(path.dirname(from))}`) : '', ignoreFocusOut: true }));
  if (!out) return undefined;
  const stdout = await runFinetune(ctx, ['import-run', '--from', from, '--out', out], `Importing ${path.basename(from)}`);
  if (stdout === undefined) return undefined;
  await vscode.commands.executeCommand('finetune.runs.refresh');
  return out;
}
