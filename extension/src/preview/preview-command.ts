// "Preview Example": generates a reply to one record's prompt with the chosen model and shows it in a diff editor —
// expected response on the left, the generated one on the right, growing as tokens arrive. Cancellable from the
// progress notification; the notification and the output channel say which device runs it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describe } from '../ctx';
import { targetDocument, targetLine } from '../target';
import { targetOf, type ModelChoice } from './model-choice';
import { PreviewDocuments } from './preview-documents';
import { previewParts } from './record-prompt';
import { exampleAt, type PreviewServices } from './services';
import { previewDevice, previewGenerationSettings } from './settings';

let previewCount = 0;

export async function previewExample(services: PreviewServices, uriArgument?: unknown, lineArgument?: unknown): Promise<{ generated: string } | undefined> {
  const document = await targetDocument(uriArgument);
  if (!document) return undefined;
  const line = targetLine(document, lineArgument);
  const example = await exampleAt(services.ctx, document.uri, line);
  if (!example) {
    void vscode.window.showInformationMessage(`Line ${line + 1} is not a record that parses: nothing to preview.`);
    return undefined;
  }
  const parts = previewParts(example);
  if ('problem' in parts) {
    void vscode.window.showInformationMessage(`Line ${line + 1}: ${parts.problem}.`);
    return undefined;
  }
  const choice = await services.picker.require();
  if (!choice) return undefined;

  const stem = `${path.basename(document.uri.fsPath)}-line-${line + 1}`;
  const id = String(++previewCount);
  const expectedUri = PreviewDocuments.uri(id, 'expected', `${stem}.md`);
  const generatedUri = PreviewDocuments.uri(id, choice.label, `${stem}.md`);
  services.documents.set(expectedUri, parts.expected);
  services.documents.set(generatedUri, '');
  services.documents.flush();
  await vscode.commands.executeCommand('vscode.diff', expectedUri, generatedUri, `Line ${line + 1}: expected ↔ ${choice.label}`, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  const generated = await generateInto(services, choice, parts.prompt, generatedUri, `line ${line + 1}`);
  return generated === undefined ? undefined : { generated };
}

/** Streams a reply into a preview document under a cancellable progress notification; returns the whole text. */
export async function generateInto(services: PreviewServices, choice: ModelChoice, prompt: Array<{ role: string; content: string }>, uri: vscode.Uri, what: string): Promise<string | undefined> {
  const { ctx, client, documents } = services;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Generating ${what} with ${choice.label}`, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const result = await client.generate(
        { ...targetOf(choice, previewDevice()), turns: prompt, settings: previewGenerationSettings() },
        {
          signal: controller.signal,
          onStarted: (started) => {
            progress.report({ message: `${started.deviceDescription}, prompt ${started.promptTokens} tokens` });
            ctx.output.info(`preview ${what} with ${choice.label}: ${started.deviceDescription}`);
          },
          onDelta: (text) => documents.append(uri, text),
        },
      );
      documents.set(uri, result.text);
      documents.flush();
      ctx.output.info(`preview ${what}: ${result.generatedTokens} tokens (${result.finishReason}), ${result.tokensPerSecond.toFixed(1)} tokens/s on ${result.device}`);
      vscode.window.setStatusBarMessage(`Fine-Tune: ${result.generatedTokens} tokens (${result.finishReason}) on ${result.device}`, 5000);
      return result.text;
    } catch (error) {
      ctx.showError(`Generation with ${choice.label} failed`, describe(error));
      return undefined;
    } finally {
      cancel.dispose();
    }
  });
}
