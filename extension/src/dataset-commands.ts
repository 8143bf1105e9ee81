// The dataset commands, keyed by the ids their manifest entries declare (dataset-contributions.ts).
import type { CommandFactory } from './command-factory';
import { convertDatasetFormat } from './convert';
import { datasetCommandIds as ids } from './dataset-contributions';
import { showRenderedExample } from './rendered/command';
import { showDatasetReport } from './report/command';

const restartServer: CommandFactory = (ctx) => () => ctx.restart();

export const datasetCommands: Record<string, CommandFactory> = {
  [ids.showReport]: showDatasetReport,
  [ids.convert]: convertDatasetFormat,
  [ids.showRendered]: showRenderedExample,
  [ids.restartServer]: restartServer,
};
