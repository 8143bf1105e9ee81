// The preview part's command ids, settings (with their defaults) and manifest entries. Pure data: no vscode imports
// (scripts/contributions.ts loads it); settings.ts reads the settings with the defaults here.
import { DEVICE_HELP, DEVICE_NAMES, type DeviceName } from '../../../contracts/src/device-names';
import type { PartContributions } from '../contributions/types';

export const previewCommandIds = {
  preview: 'finetune.previewExample',
  compare: 'finetune.compareBaseVsTuned',
  openComparison: 'finetune.openComparison',
  playground: 'finetune.openPlayground',
  pickModel: 'finetune.pickPreviewModel',
  score: 'finetune.scoreDatasetWithRun',
  clearScores: 'finetune.clearDatasetScores',
} as const;

export const PLAYGROUND_VIEW_TYPE = 'finetune.playground';
export const COMPARE_VIEW_TYPE = 'finetune.comparison';
export const MODEL_STATE_KEY = 'finetune.preview.model';

/** The `finetune.preview.*` settings' defaults, by key within that section. */
export const PREVIEW_SETTING_DEFAULTS: {
  codeLens: boolean;
  maxNewTokens: number;
  temperature: number;
  topP: number;
  device: DeviceName;
  compareLimit: number;
} = {
  codeLens: true,
  maxNewTokens: 256,
  temperature: 0,
  topP: 1,
  device: 'auto',
  compareLimit: 20,
};

const ids = previewCommandIds;
const defaults = PREVIEW_SETTING_DEFAULTS;

export const previewContributions: PartContributions = {
  activationEvents: [`onWebviewPanel:${PLAYGROUND_VIEW_TYPE}`],
  commands: [
    { command: ids.preview, title: 'Preview Example', category: 'Fine-Tune', icon: '$(play)' },
    { command: ids.compare, title: 'Compare Base vs Fine-Tuned', category: 'Fine-Tune' },
    { command: ids.openComparison, title: 'Open Saved Comparison…', category: 'Fine-Tune' },
    { command: ids.playground, title: 'Open Playground', category: 'Fine-Tune' },
    { command: ids.pickModel, title: 'Choose Preview Model…', category: 'Fine-Tune' },
    { command: ids.score, title: 'Score Dataset with Run', category: 'Fine-Tune' },
    { command: ids.clearScores, title: 'Clear Dataset Scores', category: 'Fine-Tune' },
  ],
  menus: {
    commandPalette: [
      { command: ids.preview, when: 'editorLangId == jsonl && isWorkspaceTrusted' },
      { command: ids.compare, when: 'isWorkspaceTrusted' },
      { command: ids.playground, when: 'isWorkspaceTrusted' },
      { command: ids.pickModel, when: 'isWorkspaceTrusted' },
      { command: ids.score, when: 'editorLangId == jsonl && isWorkspaceTrusted' },
      { command: ids.clearScores, when: 'editorLangId == jsonl' },
    ],
    'editor/context': [
      { command: ids.preview, when: 'editorLangId == jsonl && isWorkspaceTrusted', group: 'finetune@1' },
      { command: ids.compare, when: 'editorLangId == jsonl && isWorkspaceTrusted', group: 'finetune@2' },
    ],
    'editor/title': [{ command: ids.score, when: 'resourceLangId == jsonl && isWorkspaceTrusted', group: 'finetune@3' }],
  },
  configuration: [
    {
      title: 'Fine-Tune: Preview',
      properties: {
        'finetune.preview.codeLens': { type: 'boolean', default: defaults.codeLens, description: 'Show a "Preview" CodeLens on every dataset record (first 5,000 records of a file).' },
        'finetune.preview.maxNewTokens': { type: 'number', default: defaults.maxNewTokens, minimum: 1, description: 'Most tokens a preview, comparison or playground reply generates.' },
        'finetune.preview.temperature': { type: 'number', default: defaults.temperature, minimum: 0, description: 'Sampling temperature for previews and comparisons; 0 is greedy (deterministic).' },
        'finetune.preview.topP': { type: 'number', default: defaults.topP, exclusiveMinimum: 0, maximum: 1, description: 'Nucleus sampling for previews and comparisons (1 = off).' },
        'finetune.preview.device': { type: 'string', enum: [...DEVICE_NAMES], default: defaults.device, description: `Execution provider for generation and scoring: ${DEVICE_HELP}` },
        'finetune.preview.compareLimit': { type: 'number', default: defaults.compareLimit, minimum: 1, description: 'Most records a comparison of the eval file generates for.' },
      },
    },
  ],
};
