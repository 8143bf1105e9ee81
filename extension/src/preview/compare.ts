// "Compare Base vs Fine-Tuned": for the selected records (or the eval file's first records), generates with the run's
// base model and with the run, and shows both beside the expected response — the quickest look at what training
// changed. Preference pairs are scored instead (compare-preference.ts): which answer each model prefers, and for a
// dpo run the implicit reward margin. Results go to RUN_DIR/compare-<timestamp>.jsonl as they come in, so they can be
// reviewed later.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describe } from '../ctx';
import { targetDocument } from '../target';
import { readRunInfo } from '../../../engine/src/run-folder/run-info-file';
import { comparisonFileName, comparisonHtml, entryFinished, listComparisons, preferenceSummary, preferenceSummaryText, readComparison, writeComparison, type Comparison, type ComparisonEntry, type GeneratedReply } from './compare-file';
import { preferenceRunOptions, scorePreferenceEntries } from './compare-preference';
import { COMPARE_VIEW_TYPE } from './contributions';
import { baseOfRun, runChoice, targetOf, type ModelChoice } from './model-choice';
import { preferenceParts, previewParts } from './record-prompt';
import { exampleAt, type PreviewServices } from './services';
import { compareLimit, previewDevice, previewGenerationSettings } from './settings';

const RENDER_EVERY_MS = 150;

/** A webview with static HTML only (no script): re-rendered, throttled, as replies stream in. */
class ComparisonView {
  private readonly panel: vscode.WebviewPanel;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latest: { comparison: Comparison; status: string } | undefined;

  constructor(title: string) {
    this.panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false, localResourceRoots: [] });
    this.panel.onDidDispose(() => this.timer && clearTimeout(this.timer));
  }

  show(comparison: Comparison, status: string, now = false): void {
    this.latest = { comparison, status };
    if (now) return this.render();
    this.timer ??= setTimeout(() => this.render(), RENDER_EVERY_MS);
  }

  private render(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.latest) this.panel.webview.html = comparisonHtml(this.latest.comparison, { status: this.latest.status });
  }
}

async function pickRun(services: PreviewServices): Promise<ModelChoice | undefined> {
  const current = services.picker.current();
  if (current?.runDir) return current;
  const runs = services.picker.choices().filter((choice) => choice.runDir);
  if (runs.length === 1) return runs[0];
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No finished run to compare with: train one first (Fine-Tune: Start Training).');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(runs.map((choice) => ({ label: choice.label, description: choice.description, choice })), { placeHolder: 'Compare which run with its base model?' });
  return picked?.choice;
}

/** The records to compare: the selected lines, or (no selection) a choice of the current record or the eval file. */
async function pickRecords(services: PreviewServices, uriArgument: unknown): Promise<{ document: vscode.TextDocument; lines: number[] } | undefined> {
  const editor = vscode.window.activeTextEditor;
  const fromMenu = uriArgument instanceof vscode.Uri;
  if (editor && (!fromMenu || editor.document.uri.toString() === (uriArgument as vscode.Uri).toString()) && editor.document.fileName.endsWith('.jsonl')) {
    const lines = new Set<number>();
    for (const selection of editor.selections) {
      const last = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
      for (let line = selection.start.line; line <= last; line++) lines.add(line);
    }
    const records = [...lines].sort((a, b) => a - b).filter((line) => editor.document.lineAt(line).text.trimStart().startsWith('{'));
    if (records.length > 1 || editor.selections.some((selection) => !selection.isEmpty)) return { document: editor.document, lines: records };
  }
  const evalFile = services.ctx.config.resolvePath(services.ctx.config.evalFile, editor?.document.uri);
  type RecordsOption = vscode.QuickPickItem & { scope: 'current' | 'eval' | 'file' };
  const options: RecordsOption[] = [
    ...(editor?.document.fileName.endsWith('.jsonl') ? [{ label: `Current record (line ${editor.selection.active.line + 1})`, scope: 'current' as const }] : []),
    ...(evalFile ? [{ label: `Eval file: first ${compareLimit()} records`, description: evalFile, scope: 'eval' as const }] : []),
    ...(editor?.document.fileName.endsWith('.jsonl') ? [{ label: `This file: first ${compareLimit()} records`, scope: 'file' as const }] : []),
  ];
  if (options.length === 0) {
    void vscode.window.showInformationMessage('Open a dataset and select records, or set "finetune.evalFile", then compare again.');
    return undefined;
  }
  const picked = options.length === 1 ? options[0] : await vscode.window.showQuickPick(options, { placeHolder: 'Which records?' });
  if (!picked) return undefined;
  if (picked.scope === 'current') return { document: editor!.document, lines: [editor!.selection.active.line] };
  const document = picked.scope === 'eval' ? await targetDocument(vscode.Uri.file(evalFile!)) : editor!.document;
  if (!document) return undefined;
  const lines: number[] = [];
  for (let line = 0; line < document.lineCount && lines.length < compareLimit(); line++) if (document.lineAt(line).text.trimStart().startsWith('{')) lines.push(line);
  return { document, lines };
}

/** `runArgument`: a run folder (callers and tests name one); otherwise the preview model's run, or a quick pick. */
export async function compareBaseVsTuned(services: PreviewServices, uriArgument?: unknown, runArgument?: unknown): Promise<string | undefined> {
  const tuned = typeof runArgument === 'string' ? runChoice(runArgument) : await pickRun(services);
  if (typeof runArgument === 'string' && !tuned) throw new Error(`${runArgument}: not a finished run (no adapter/ or model/)`);
  if (!tuned?.runDir) return undefined;
  const base = baseOfRun(tuned);
  if (!base) throw new Error(`${tuned.runDir}: run.json does not name the base model`);
  const target = await pickRecords(services, uriArgument);
  if (!target || target.lines.length === 0) return undefined;

  const entries: ComparisonEntry[] = [];
  for (const line of target.lines) {
    const example = await exampleAt(services.ctx, target.document.uri, line);
    if (example?.preference) {
      const pair = preferenceParts(example);
      if (!('problem' in pair)) entries.push({ file: target.document.uri.fsPath, line: line + 1, prompt: pair.prompt, expected: pair.chosen, preference: { rejected: pair.rejected } });
      continue;
    }
    const parts = example ? previewParts(example) : undefined;
    if (parts && !('problem' in parts)) entries.push({ file: target.document.uri.fsPath, line: line + 1, prompt: parts.prompt, expected: parts.expected });
  }
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('None of the chosen lines is a conversation with an assistant turn or a preference pair to compare.');
    return undefined;
  }
  const pairs = entries.filter((entry) => entry.preference);
  if (pairs.length > 0) {
    // the worker scores pairs from the file on disk
    if (target.document.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Preference pairs are scored from the file on disk: save the dataset to a file first.');
      return undefined;
    }
    if (target.document.isDirty) {
      const answer = await vscode.window.showWarningMessage('Preference pairs are scored from the file on disk: save it first?', 'Save and Compare');
      if (answer !== 'Save and Compare' || !(await target.document.save())) return undefined;
    }
  }
  const comparison: Comparison = { runDir: tuned.runDir, baseLabel: `Base (${base.description})`, tunedLabel: tuned.label, entries };
  const file = path.join(tuned.runDir, comparisonFileName());
  const view = new ComparisonView(`Compare: ${tuned.label}`);
  view.show(comparison, `0 of ${entries.length} records`, true);

  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing base and ${tuned.label}`, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    const generate = async (choice: ModelChoice, entry: ComparisonEntry, key: 'base' | 'tuned'): Promise<GeneratedReply> => {
      const reply: GeneratedReply = { text: '', finishReason: 'generating', tokens: 0 };
      entry[key] = reply;
      try {
        const result = await services.client.generate(
          { ...targetOf(choice, previewDevice()), turns: entry.prompt, settings: previewGenerationSettings() },
          {
            signal: controller.signal,
            onStarted: (started) => progress.report({ message: started.deviceDescription }),
            onDelta: (text) => {
              reply.text += text;
              view.show(comparison, `record ${entries.indexOf(entry) + 1} of ${entries.length}`);
            },
          },
        );
        Object.assign(reply, { text: result.text, finishReason: result.finishReason, tokens: result.generatedTokens });
      } catch (error) {
        reply.error = describe(error);
      }
      return reply;
    };
    const save = () => writeComparison(file, entries.filter(entryFinished));
    try {
      if (pairs.length > 0) {
        const device = previewDevice();
        await scorePreferenceEntries(entries, {
          client: services.client,
          base: targetOf(base, device),
          tuned: targetOf(tuned, device),
          data: target.document.uri.fsPath,
          ...preferenceRunOptions(readRunInfo(tuned.runDir!)?.config),
          signal: controller.signal,
          onProgress: (model, done, total) => progress.report({ message: `scoring ${pairs.length} pair${pairs.length === 1 ? '' : 's'} with the ${model === 'base' ? 'base' : 'fine-tuned'} model: ${done} of ${total}` }),
          onScored: () => {
            view.show(comparison, `scored ${pairs.length} pair${pairs.length === 1 ? '' : 's'}`);
            save();
          },
        });
        save();
      }
      const replies = entries.filter((entry) => !entry.preference);
      for (const [index, entry] of replies.entries()) {
        if (controller.signal.aborted) break;
        progress.report({ message: `record ${index + 1} of ${replies.length}`, increment: 100 / replies.length });
        await generate(base, entry, 'base');
        await generate(tuned, entry, 'tuned');
        save();
      }
    } finally {
      cancel.dispose();
    }
    const finished = entries.filter(entryFinished).length;
    const summary = preferenceSummary(entries);
    if (summary) services.ctx.output.info(`${tuned.label} on ${path.basename(target.document.uri.fsPath)}: ${preferenceSummaryText(summary)}`);
    view.show(comparison, `${finished} of ${entries.length} records${controller.signal.aborted ? ' (cancelled)' : ''}; saved to ${path.basename(file)}`, true);
  });
  services.ctx.output.info(`comparison saved to ${file}`);
  return file;
}

/** Reopens a saved comparison of a run (or any compare-*.jsonl file). */
export async function openComparison(services: PreviewServices, uriArgument?: unknown): Promise<void> {
  let file = uriArgument instanceof vscode.Uri ? uriArgument.fsPath : undefined;
  if (!file) {
    const files = services.picker.choices().flatMap((choice) => (choice.runDir ? listComparisons(choice.runDir) : []));
    if (files.length === 0) {
      void vscode.window.showInformationMessage('No saved comparison yet: run "Fine-Tune: Compare Base vs Fine-Tuned" first.');
      return;
    }
    const picked = await vscode.window.showQuickPick(files.map((candidate) => ({ label: path.basename(candidate), description: path.basename(path.dirname(candidate)), file: candidate })), { placeHolder: 'Open which comparison?' });
    file = picked?.file;
  }
  if (!file) return;
  const runDir = path.dirname(file);
  const tuned = runChoice(runDir);
  const comparison: Comparison = { runDir, baseLabel: 'Base', tunedLabel: tuned?.label ?? path.basename(runDir), entries: readComparison(file) };
  new ComparisonView(`Compare: ${path.basename(file)}`).show(comparison, `${comparison.entries.length} records, ${path.basename(file)}`, true);
}
