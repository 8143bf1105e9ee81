// "Fine-Tune: Download Base Model…": a Hub repository (config, tokenizer, safetensors) into the workspace through
// `finetune download` in a child process, with byte progress and cancel (a later download resumes), then an offer
// to make it `finetune.baseModel`. The token comes from VS Code's secret storage or HF_TOKEN, never from settings.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadResult } from '../../../engine/src/download/download-model';
import { formatDuration } from '../../../contracts/src/format-duration';
import { formatBytes } from '../../../engine/src/download/progress';
import type { Ctx } from '../ctx';
import { exportCommandIds, HUB_ENDPOINT_SETTING } from './contributions';
import { failureMessage, runCli } from './cli-process';
import { baseModelSettingValue, defaultModelFolder, downloadCliArgs, parseProgressLine, parseRepoReference } from './download-plan';

export const HUB_TOKEN_SECRET = 'finetune.hubToken';

export interface DownloadCommandOptions {
  repo?: string;
  revision?: string;
  out?: string;
  /** Set finetune.baseModel without asking (true) or never (false); undefined asks. */
  setBaseModel?: boolean;
}

export async function downloadBaseModel(ctx: Ctx, options: DownloadCommandOptions = {}): Promise<DownloadResult | undefined> {
  const reference = options.repo ? parseRepoReference(options.repo) : await askRepository();
  if (!reference) {
    if (options.repo) throw new Error(`'${options.repo}' is not a Hub repository id (owner/name)`);
    return undefined;
  }
  const revision = options.revision ?? (options.repo ? reference.revision : await vscode.window.showInputBox({
    title: `Download ${reference.repo}`, prompt: 'Revision: a branch, tag or commit', value: reference.revision ?? 'main', ignoreFocusOut: true,
  }));
  if (revision === undefined && !options.repo) return undefined;
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const out = options.out ?? (await askFolder(reference.repo, workspaceFolder));
  if (!out) return undefined;

  const endpoint = vscode.workspace.getConfiguration('finetune').get<string>(HUB_ENDPOINT_SETTING) || undefined;
  const token = (await ctx.extension.secrets.get(HUB_TOKEN_SECRET)) || process.env.HF_TOKEN || undefined;
  const args = downloadCliArgs({ repo: reference.repo, revision: revision || undefined, out, endpoint });
  ctx.output.info(`finetune ${args.join(' ')}${token ? ' (with a token)' : ''}`);
  let failureCode: string | undefined;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Downloading ${reference.repo}`, cancellable: true },
    async (progress, cancellation) => {
      let reported = 0;
      const run = runCli(ctx.asAbsolutePath(path.join('dist', 'cli.js')), args, {
        env: { HF_TOKEN: token ?? '' },
        onStderrLine: (line) => {
          const parsed = parseProgressLine(line);
          if (parsed?.type === 'progress') {
            const percent = parsed.total > 0 ? (100 * parsed.done) / parsed.total : 0;
            progress.report({
              increment: Math.max(0, percent - reported),
              message: `${formatBytes(parsed.done)} / ${formatBytes(parsed.total)} · ${formatBytes(parsed.rate)}/s · ETA ${formatDuration(parsed.etaSeconds === undefined ? undefined : parsed.etaSeconds * 1000, 'clock')} · ${parsed.file}`,
            });
            reported = Math.max(reported, percent);
          } else if (parsed?.type === 'log') ctx.output.info(parsed.message);
          else if (parsed?.type === 'error') failureCode = parsed.code;
          return parsed !== undefined;
        },
      });
      const subscription = cancellation.onCancellationRequested(() => run.cancel());
      return run.done.finally(() => subscription.dispose());
    },
  );
  if (outcome.cancelled) {
    void vscode.window.showInformationMessage(`Download of ${reference.repo} stopped. Run it again into the same folder to resume.`);
    return undefined;
  }
  if (outcome.code !== 0) {
    const message = failureMessage(outcome);
    ctx.output.error(message);
    if (failureCode === 'gated' || failureCode === 'unauthorized') {
      const choice = await vscode.window.showErrorMessage(message, 'Set Hub Token…');
      if (choice) await vscode.commands.executeCommand(exportCommandIds.setHubToken);
      return undefined;
    }
    throw new Error(message);
  }
  const result = JSON.parse(outcome.stdout.trim().split('\n').pop()!) as DownloadResult;
  ctx.output.info(`downloaded ${reference.repo}@${result.commit} to ${result.out}: ${result.architecture}, ${result.parameters} parameters`);
  const folderSetting = baseModelSettingValue(result.out, workspaceFolder);
  const setIt = async () => vscode.workspace.getConfiguration('finetune').update('baseModel', folderSetting, vscode.ConfigurationTarget.Workspace);
  if (options.setBaseModel === true) await setIt();
  else if (options.setBaseModel === undefined) {
    void vscode.window
      .showInformationMessage(`Downloaded ${reference.repo} (${result.architecture}) to ${result.out}.`, 'Use as Base Model', 'Reveal Folder')
      .then(async (choice) => {
        if (choice === 'Use as Base Model') await setIt();
        if (choice === 'Reveal Folder') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.out));
      });
  }
  return result;
}

async function askRepository(): Promise<{ repo: string; revision?: string } | undefined> {
  const typed = await vscode.window.showInputBox({
    title: 'Download a base model from the Hugging Face Hub',
    prompt: 'Repository id (owner/name), optionally @revision, or the model page URL. Weights must be safetensors.',
    placeHolder: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    ignoreFocusOut: true,
    validateInput: (value) => (parseRepoReference(value) ? undefined : 'Expected owner/name, owner/name@revision or a model page URL'),
  });
  return typed === undefined ? undefined : parseRepoReference(typed);
}

async function askFolder(repo: string, workspaceFolder: string | undefined): Promise<string | undefined> {
  if (!workspaceFolder) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download Here', title: `Folder for ${repo}` });
    return picked?.[0] ? path.join(picked[0].fsPath, repo.split('/').pop()!) : undefined;
  }
  const typed = await vscode.window.showInputBox({
    title: `Download ${repo} into`,
    prompt: 'Folder (absolute, or relative to the workspace folder); an interrupted download into it resumes',
    value: defaultModelFolder(workspaceFolder, repo),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Enter a folder'),
  });
  return typed === undefined ? undefined : path.resolve(workspaceFolder, typed.trim());
}

/** "Fine-Tune: Set Hugging Face Token…": stored in secret storage; an empty value removes it. */
export async function setHubToken(ctx: Ctx): Promise<void> {
  const token = await vscode.window.showInputBox({
    title: 'Hugging Face token',
    prompt: 'For gated or private models (https://huggingface.co/settings/tokens). Kept in VS Code\'s secret storage; leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (token === undefined) return;
  if (token.trim()) {
    await ctx.extension.secrets.store(HUB_TOKEN_SECRET, token.trim());
    void vscode.window.showInformationMessage('Hugging Face token saved in secret storage.');
  } else {
    await ctx.extension.secrets.delete(HUB_TOKEN_SECRET);
    void vscode.window.showInformationMessage('Hugging Face token removed.');
  }
}
