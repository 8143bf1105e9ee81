// "Fine-Tune: Show Dataset Report": the report panel for the dataset passed (explorer menu) or the active editor's.
import type { CommandFactory } from '../command-factory';
import { targetDocument } from '../target';
import { ReportPanel } from './panel';

export const showDatasetReport: CommandFactory = (ctx) => async (uri?: unknown) => {
  const document = await targetDocument(uri);
  if (!document || !ctx.requireClient()) return undefined;
  ReportPanel.show(ctx, document.uri);
  return document.uri.toString();
};
