// "Score Dataset with Run": computes each record's loss under a finished run in the engine worker (never the
// extension host), writes RUN_DIR/per-example-loss.jsonl, and hands the losses to the language server, whose
// `high-loss` rule marks records far above the median (the hover shows the loss, the report the distribution).
// Scores are remembered per dataset and re-sent when it is reopened, as long as the file has not changed since.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readLossFile, PER_EXAMPLE_LOSS_FILE } from '../../../engine/src/evaluate/loss-file';
import { SetLossesNotification } from '../../../contracts/src/lsp-protocol';
import type { Ctx } from '../ctx';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { targetDocument } from '../target';
import { runChoice, targetOf, type ModelChoice } from './model-choice';
import type { PreviewServices } from './services';
import { previewDevice } from './settings';

const SCORES_STATE_KEY = 'finetune.preview.scores';
type ScoreRecords = Record<string, string>;

function lossFileName(dataset: string): string {
  // One file per dataset in the run folder: the first dataset scored keeps the contract's plain name.
  const stem = path.basename(dataset).replace(/\.jsonl$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return `per-example-loss.${stem}.jsonl`;
}

async function pickScoringRun(services: PreviewServices): Promise<ModelChoice | undefined> {
  const current = services.picker.current();
  const runs = services.picker.choices().filter((choice) => choice.runDir);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No finished run to score with: train one first (Fine-Tune: Start Training).');
    return undefined;
  }
  if (runs.length === 1) return runs[0];
  const picked = await vscode.window.showQuickPick(
    runs.map((choice) => ({ label: `${choice.id === current?.id ? '$(check) ' : ''}${choice.label}`, description: choice.description, choice })),
    { placeHolder: 'Score the dataset with which run?' },
  );
  return picked?.choice;
}

/** `runArgument`: a run folder (callers and tests name one); otherwise the only run, or a quick pick. */
export async function scoreDatasetWithRun(services: PreviewServices, uriArgument?: unknown, runArgument?: unknown): Promise<{ records: number; out: string } | undefined> {
  const { ctx } = services;
  const document = await targetDocument(uriArgument);
  if (!document) return undefined;
  if (document.isDirty) {
    const answer = await vscode.window.showWarningMessage('Scoring reads the dataset from disk: save it first?', 'Save and Score');
    if (answer !== 'Save and Score' || !(await document.save())) return undefined;
  }
  const run = typeof runArgument === 'string' ? runChoice(runArgument) : await pickScoringRun(services);
  if (typeof runArgument === 'string' && !run) throw new Error(`${runArgument}: not a finished run (no adapter/ or model/)`);
  if (!run?.runDir) return undefined;
  const language = ctx.requireClient();
  if (!language) return undefined;
  const configured = readRunInfo(run.runDir)?.config?.maxSeqLen;
  const maxSeqLen = typeof configured === 'number' ? configured : ctx.config.maxSeqLen;
  const dataset = document.uri.fsPath;
  const trainedOn = readRunInfo(run.runDir)?.config?.data;
  const out = path.join(run.runDir, typeof trainedOn === 'string' && path.resolve(trainedOn) === dataset ? PER_EXAMPLE_LOSS_FILE : lossFileName(dataset));

  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Scoring ${path.basename(dataset)} with ${run.label}`, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    let reported = 0;
    try {
      return await services.client.perExampleLoss(
        { ...targetOf(run, previewDevice()), data: dataset, out, maxSeqLen },
        {
          signal: controller.signal,
          onProgress: (done, total) => {
            const percent = (100 * done) / total;
            progress.report({ message: `${done} of ${total} records`, increment: percent - reported });
            reported = percent;
          },
        },
      );
    } finally {
      cancel.dispose();
    }
  });
  await language.sendNotification(SetLossesNotification, { uri: document.uri.toString(), losses: result.losses });
  await remember(ctx, dataset, out);
  ctx.output.info(`scored ${dataset} with ${run.runDir} on ${result.deviceDescription}: ${result.losses.length} records, mean loss ${result.meanLoss.toFixed(4)}; ${out}`);
  void vscode.window.showInformationMessage(`Scored ${result.losses.length} records with ${run.label} (mean loss ${result.meanLoss.toFixed(3)}). Records far above the median are marked high-loss.`);
  return { records: result.losses.length, out };
}

export async function clearDatasetScores(ctx: Ctx, uriArgument?: unknown): Promise<void> {
  const document = await targetDocument(uriArgument);
  if (!document) return;
  await ctx.requireClient()?.sendNotification(SetLossesNotification, { uri: document.uri.toString(), losses: null });
  const records = { ...ctx.extension.workspaceState.get<ScoreRecords>(SCORES_STATE_KEY, {}) };
  delete records[document.uri.fsPath];
  await ctx.extension.workspaceState.update(SCORES_STATE_KEY, records);
}

async function remember(ctx: Ctx, dataset: string, lossFile: string): Promise<void> {
  const records = { ...ctx.extension.workspaceState.get<ScoreRecords>(SCORES_STATE_KEY, {}), [dataset]: lossFile };
  await ctx.extension.workspaceState.update(SCORES_STATE_KEY, records);
}

/** Re-sends remembered scores of an opened dataset, unless the dataset changed after it was scored (lines moved). */
export async function restoreScores(ctx: Ctx, document: vscode.TextDocument): Promise<void> {
  if (document.uri.scheme !== 'file' || !document.fileName.endsWith('.jsonl')) return;
  const lossFile = ctx.extension.workspaceState.get<ScoreRecords>(SCORES_STATE_KEY, {})[document.uri.fsPath];
  if (!lossFile) return;
  try {
    if (fs.statSync(lossFile).mtimeMs < fs.statSync(document.uri.fsPath).mtimeMs) return;
    const losses = readLossFile(lossFile);
    await ctx.languageClient?.sendNotification(SetLossesNotification, { uri: document.uri.toString(), losses: [...losses] });
  } catch (error) {
    ctx.output.warn(`could not restore the scores of ${document.uri.fsPath}: ${(error as Error).message}`);
  }
}
