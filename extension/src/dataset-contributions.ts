// The dataset part's manifest entries: the `jsonl` language, the config file's schema, the report, convert, rendered
// example and restart commands with their menus, and the dataset and language server settings.
import { CONFIG_SECTION, LANGUAGE_ID, SETTINGS_IGNORED_WHEN_UNTRUSTED, WORKSPACE_CONFIG_FILE } from '../../contracts/src/lsp-protocol';
import type { PartContributions } from './contributions/types';
import { datasetSettings, serverSettings } from './dataset-settings';

export const datasetCommandIds = {
  showReport: 'finetune.showDatasetReport',
  convert: 'finetune.convertDatasetFormat',
  showRendered: 'finetune.showRenderedExample',
  restartServer: 'finetune.restartServer',
} as const;

export const REPORT_VIEW_TYPE = 'finetune.datasetReport';

const ids = datasetCommandIds;
const isDataset = 'resourceExtname == .jsonl || editorLangId == jsonl';

export const datasetContributions: PartContributions = {
  activationEvents: [`onLanguage:${LANGUAGE_ID}`, `onWebviewPanel:${REPORT_VIEW_TYPE}`],
  languages: [{ id: LANGUAGE_ID, aliases: ['JSON Lines', 'jsonl'], extensions: ['.jsonl'] }],
  jsonValidation: [{ fileMatch: WORKSPACE_CONFIG_FILE, url: './schemas/finetune.config.schema.json' }],
  commands: [
    { command: ids.showReport, title: 'Show Dataset Report', category: 'Fine-Tune', icon: '$(graph)' },
    { command: ids.convert, title: 'Convert Dataset Format…', category: 'Fine-Tune' },
    { command: ids.showRendered, title: 'Show Rendered Example', category: 'Fine-Tune', icon: '$(preview)' },
    { command: ids.restartServer, title: 'Restart Language Server', category: 'Fine-Tune' },
  ],
  menus: {
    commandPalette: [
      { command: ids.showReport, when: isDataset },
      { command: ids.convert, when: isDataset },
      { command: ids.showRendered, when: 'editorLangId == jsonl' },
    ],
    'editor/title': [{ command: ids.showReport, when: 'resourceLangId == jsonl', group: 'navigation' }],
    'explorer/context': [
      { command: ids.showReport, when: 'resourceExtname == .jsonl', group: 'finetune@1' },
      { command: ids.convert, when: 'resourceExtname == .jsonl', group: 'finetune@2' },
    ],
  },
  configuration: [datasetSettings, serverSettings],
  restrictedConfigurations: SETTINGS_IGNORED_WHEN_UNTRUSTED.map((key) => `${CONFIG_SECTION}.${key}`),
};
