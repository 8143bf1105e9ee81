// The preview part of the extension: the "Preview" CodeLens and diff editor, the preview-model picker, base-vs-tuned
// comparisons, the playground, and scoring a dataset with a run. Generation runs in one engine worker process started
// on first use (never in the extension host). `registerPreview(ctx)` is the one call extension.ts makes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandFactory } from '../command-factory';
import { registerCommands } from '../register-commands';
import type { Ctx } from '../ctx';
import { RecordPreviewCodeLens } from './codelens';
import { compareBaseVsTuned, openComparison } from './compare';
import { previewCommandIds as ids } from './contributions';
import { GenerationClient } from './generation-client';
import { ModelPicker } from './model-picker';
import { PlaygroundPanel } from './playground-panel';
import { previewExample } from './preview-command';
import { PreviewDocuments } from './preview-documents';
import { clearDatasetScores, restoreScores, scoreDatasetWithRun } from './score';
import type { PreviewServices } from './services';

export function registerPreview(ctx: Ctx): PreviewServices {
  // The worker runs on the extension host's own runtime as plain Node (the client sets ELECTRON_RUN_AS_NODE).
  const client = new GenerationClient({ command: process.execPath, args: [ctx.asAbsolutePath(path.join('dist', 'worker.js'))] }, (message) => ctx.output.info(`[worker] ${message}`));
  const picker = new ModelPicker(ctx);
  const { documents, disposable } = PreviewDocuments.register();
  const services: PreviewServices = { ctx, picker, documents, client };
  ctx.pushDisposable({ dispose: () => void client.dispose() });
  ctx.pushDisposable(picker);
  ctx.pushDisposable(disposable);
  ctx.pushDisposable(RecordPreviewCodeLens.register(() => picker.current()?.label, picker.onDidChange));
  ctx.pushDisposable(PlaygroundPanel.register(services));
  ctx.pushDisposable(vscode.workspace.onDidOpenTextDocument((document) => void restoreScores(ctx, document)));
  // Datasets already open: once the language server is up (activate starts it right after this returns).
  setImmediate(() => void ctx.start().then(() => vscode.workspace.textDocuments.forEach((document) => void restoreScores(ctx, document))));

  const trusted: Record<string, CommandFactory> = {
    [ids.preview]: () => (uri?: unknown, line?: unknown) => previewExample(services, uri, line),
    [ids.compare]: () => (uri?: unknown, runDir?: unknown) => compareBaseVsTuned(services, uri, runDir),
    [ids.playground]: () => () => PlaygroundPanel.show(services),
    [ids.pickModel]: () => () => picker.pick(),
    [ids.score]: () => (uri?: unknown, runDir?: unknown) => scoreDatasetWithRun(services, uri, runDir),
  };
  const open: Record<string, CommandFactory> = {
    [ids.openComparison]: () => (uri?: unknown) => openComparison(services, uri),
    [ids.clearScores]: () => (uri?: unknown) => clearDatasetScores(ctx, uri),
  };
  registerCommands(ctx, trusted, { requiresTrust: true });
  registerCommands(ctx, open);
  return services;
}
