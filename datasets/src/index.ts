// The dataset service's public surface. Pure: no vscode, no LSP connection. The language server, the CLI
// (`finetune lint`), the extension's report and conversion command, and the trainer's data loader use only this.
import type { DatasetDocument } from './api';
import { Dataset, type DocumentContext } from './cross-line/document';
import type { DatasetSettings } from '../../contracts/src/dataset-types';

export type * from '../../contracts/src/dataset-types';
export type { ContentChange, DatasetDocument, TokenCounter } from './api';
export { defaultSettings, DEFAULT_MAX_DOCUMENT_SIZE_MB } from './settings';
export {
  CONFIG_FILE_NAME,
  ConfigError,
  configJsonSchema,
  findWorkspaceConfig,
  loadWorkspaceConfig,
  parseWorkspaceConfig,
  settingsForFile,
  settingsFromConfig,
  type WorkspaceConfig,
} from './output/config';
export { lintFile, lintFileBatches, lintStream, lintText, looksBinary, type LintContext } from './cross-line/lint-stream';
export { assertTrainable, DatasetError, parseExamples, type ExampleSource, type ParsedExamples } from './output/parse-examples';
export { convertDataset } from './output/convert';
export { buildEvalIndex, loadEvalIndex, loadEvalIndexSync, type EvalIndex } from './cross-line/eval-index';
export { createEstimateTokenCounter } from './tokens/token-estimate';
export { createModelTokenCounter, createTokenCounter } from './tokens/token-counter';
export { FORMAT_ORDER, FORMAT_SPECS } from './line/formats';
export { RULES, RULE_IDS, ruleMeta, type Rule, type RuleMeta } from './rules/index';
export type { DocumentContext } from './cross-line/document';

/** Opens a dataset document; `context` carries a shared token counter and eval index (else they come from settings). */
export function createDatasetDocument(uri: string, text: string, settings: DatasetSettings, context?: DocumentContext): DatasetDocument {
  return new Dataset(uri, text, settings, context);
}

/** createDatasetDocument without holding the event loop for more than a few milliseconds at a time (the server's way). */
export async function openDatasetDocument(uri: string, text: string, settings: DatasetSettings, context?: DocumentContext): Promise<DatasetDocument> {
  const dataset = new Dataset(uri, '', settings, context, true);
  await dataset.open(text);
  return dataset;
}
