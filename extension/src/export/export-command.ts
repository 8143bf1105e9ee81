// "Fine-Tune: Export Run…": a finished run as a merged Hugging Face folder, an ONNX model, or a copy of its PEFT
// adapter. The merge runs in `finetune export` in a child process, with a cancellable progress notification.
// Callers (tests, other commands) may pass the choices as options and skip the prompts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveRunTarget, type RunTarget } from '../../../engine/src/evaluate/run-target';
import type { Ctx } from '../ctx';
import { listRunDirectories } from '../../../engine/src/run-folder/list-runs';
import { runsRoots } from '../training/runs-view';
import { failureMessage, runCli } from './cli-process';
import {
  checkExportFolder, defaultExportFolder, EXPORT_DTYPES, exportCliArgs, exportTemporaryFolder, formatChoices, isNonEmptyFolder,
  resolveExportFolder, type ExportDtype, type ExportFormat,
} from './export-plan';

export interface ExportOptions {
  format?: ExportFormat;
  out?: string;
  dtype?: ExportDtype;
  /** Replace a non-empty output folder without asking. */
  force?: boolean;
  /** Show the "Exported" notification with its Reveal button (default true). */
  notify?: boolean;
}

export interface ExportOutcome {
  out: string;
  format: ExportFormat;
}

/** Menus pass a Uri, the Runs view a RunSummary ({ runDir }), tests a path. */
export function runDirOfArgument(argument: unknown): string | undefined {
  if (argument instanceof vscode.Uri) return argument.fsPath;
  if (typeof argument === 'string') return argument;
  if (argument && typeof argument === 'object' && typeof (argument as { runDir?: unknown }).runDir === 'string') return (argument as { runDir: string }).runDir;
  return undefined;
}

export async function exportRun(ctx: Ctx, argument?: unknown, options: ExportOptions = {}): Promise<ExportOutcome | undefined> {
  const runDir = runDirOfArgument(argument) ?? (await pickExportableRun());
  if (!runDir) return undefined;
  const target = resolveRunTarget(runDir);
  const choices = formatChoices(target);
  const format = options.format ?? (await vscode.window.showQuickPick(choices, { placeHolder: `Export ${path.basename(runDir)} as…` }))?.format;
  if (!format) return undefined;
  if (!choices.some((choice) => choice.format === format)) throw new Error(`${path.basename(runDir)} cannot be exported as '${format}' (it offers ${choices.map((choice) => choice.format).join(', ')})`);
  const dtype = format === 'hf' && !options.format ? await pickDtype() : options.dtype;
  if (dtype === null) return undefined;
  const out = options.out !== undefined ? resolveExportFolder(runDir, options.out) : await askOutputFolder(runDir, format);
  if (!out) return undefined;
  const problem = checkExportFolder(runDir, out);
  if (problem) throw new Error(`${out}: ${problem}`);
  let force = options.force ?? false;
  if (isNonEmptyFolder(out) && !force) {
    const answer = await vscode.window.showWarningMessage(`${path.basename(out)} is not empty. Replace it?`, { modal: true, detail: out }, 'Replace');
    if (answer !== 'Replace') return undefined;
    force = true;
  }
  const label = choices.find((choice) => choice.format === format)!.label;
  const finished = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting ${path.basename(runDir)}: ${label}`, cancellable: true },
    (progress, token) => (format === 'adapter' ? copyAdapter(target, out, force) : runExport(ctx, { runDir, format, out, dtype, force }, target, token)),
  );
  if (!finished) return undefined;
  ctx.output.info(`exported ${runDir} as ${format} to ${out}`);
  if (options.notify !== false) {
    void vscode.window.showInformationMessage(`Exported ${path.basename(runDir)} to ${out}`, 'Reveal Folder').then((choice) => {
      if (choice) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(out));
    });
  }
  return { out, format };
}

async function runExport(ctx: Ctx, request: { runDir: string; format: ExportFormat; out: string; dtype?: ExportDtype; force: boolean }, target: RunTarget, token: vscode.CancellationToken): Promise<boolean> {
  const args = exportCliArgs(request, target);
  ctx.output.info(`finetune ${args.join(' ')}`);
  const run = runCli(ctx.asAbsolutePath(path.join('dist', 'cli.js')), args);
  const subscription = token.onCancellationRequested(() => run.cancel());
  const outcome = await run.done.finally(() => subscription.dispose());
  if (outcome.cancelled) {
    // The CLI fills a temporary folder beside the destination and renames it at the end: remove the half-written one.
    if (run.pid !== undefined) await fs.promises.rm(exportTemporaryFolder(request.out, run.pid), { recursive: true, force: true });
    ctx.output.info(`export of ${request.runDir} cancelled`);
    return false;
  }
  if (outcome.code !== 0) throw new Error(failureMessage(outcome));
  if (outcome.stdout.trim()) ctx.output.info(outcome.stdout.trim());
  return true;
}

/** The adapter as it is (a few MB): copied into a temporary folder beside the destination, then renamed. */
async function copyAdapter(target: RunTarget, out: string, force: boolean): Promise<boolean> {
  if (!target.adapter) throw new Error('this run has no adapter to copy');
  const temporary = `${out}.tmp-${process.pid}`;
  await fs.promises.rm(temporary, { recursive: true, force: true });
  await fs.promises.cp(target.adapter, temporary, { recursive: true });
  if (force) await fs.promises.rm(out, { recursive: true, force: true });
  else if (fs.existsSync(out)) await fs.promises.rmdir(out); // empty (checked before)
  await fs.promises.mkdir(path.dirname(out), { recursive: true });
  await fs.promises.rename(temporary, out);
  return true;
}

async function pickExportableRun(): Promise<string | undefined> {
  const runs = runsRoots().flatMap((root) => listRunDirectories(root)).flatMap((runDir) => {
    try {
      const target = resolveRunTarget(runDir);
      return [{ label: path.basename(runDir), description: target.adapter ? `adapter on ${path.basename(target.model)}` : 'fully fine-tuned model', detail: runDir, runDir }];
    } catch {
      return []; // not finished: nothing to export yet
    }
  });
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No finished run to export: a run has an adapter or a model once it is done.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(runs, { placeHolder: 'Choose the run to export' }))?.runDir;
}

/** The dtype of the merged weights; undefined keeps the base model's; null when the user dismissed the pick. */
async function pickDtype(): Promise<ExportDtype | undefined | null> {
  const items = [{ label: 'Same as the base model', dtype: undefined as ExportDtype | undefined }, ...EXPORT_DTYPES.map((dtype) => ({ label: dtype, dtype }))];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Weights dtype of the merged model' });
  return picked ? picked.dtype : null;
}

async function askOutputFolder(runDir: string, format: ExportFormat): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title: 'Export folder',
    prompt: 'Absolute, or relative to the run folder',
    value: defaultExportFolder(runDir, format),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? checkExportFolder(runDir, resolveExportFolder(runDir, value)) : 'Enter a folder'),
  });
  return typed === undefined ? undefined : resolveExportFolder(runDir, typed);
}
