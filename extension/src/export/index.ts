// The export and download part of the extension: "Export Run…" (merged HF folder, ONNX, or the PEFT adapter) and
// "Download Base Model…" (Hub → workspace), both through the `finetune` CLI in a child process; plus the command
// that keeps the Hub token in secret storage. `registerExport(ctx)` is the one call extension.ts makes. Both model
// commands refuse in untrusted workspaces, like training.
import type { CommandFactory } from '../command-factory';
import { registerCommands } from '../register-commands';
import type { Ctx } from '../ctx';
import { exportCommandIds } from './contributions';
import { downloadBaseModel, setHubToken, type DownloadCommandOptions } from './download-command';
import { exportRun, type ExportOptions } from './export-command';

export function registerExport(ctx: Ctx): void {
  const trusted: Record<string, CommandFactory> = {
    [exportCommandIds.exportRun]: () => (argument?: unknown, options?: ExportOptions) => exportRun(ctx, argument, options),
    [exportCommandIds.downloadModel]: () => (options?: DownloadCommandOptions) => downloadBaseModel(ctx, options),
  };
  const open: Record<string, CommandFactory> = {
    [exportCommandIds.setHubToken]: () => () => setHubToken(ctx),
  };
  registerCommands(ctx, trusted, { requiresTrust: true });
  registerCommands(ctx, open);
}
