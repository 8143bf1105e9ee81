// The preview part's command ids, settings and their manifest entries (merged into package.json's contributes by
// scripts in one go; a test can compare the two).
import { DEVICE_HELP, DEVICE_NAMES } from '../../../contracts/src/device-names';

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

export const previewContributions = {
  commands: [
    { command: previewCommandIds.preview, title: 'Preview Example', category: 'Fine-Tune', icon: '$(play)' },
    { command: previewCommandIds.compare, title: 'Compare Base vs Fine-Tuned', category: 'Fine-Tune' },
    { command: previewCommandIds.openComparison, title: 'Open Saved Comparison…', category: 'Fine-Tune' },
    { command: previewCommandIds.playground, title: 'Open Playground', category: 'Fine-Tune' },
    { command: previewCommandIds.pickModel, title: 'Choose Preview Model…', category: 'Fine-Tune' },
    { command: previewCommandIds.score, title: 'Score Dataset with Run', category: 'Fine-Tune' },
    { command: previewCommandIds.clearScores, title: 'Clear Dataset Scores', category: 'Fine-Tune' },
  ],
  menus: {
    commandPalette: [
      { command: previewCommandIds.preview, when: 'editorLangId == jsonl && isWorkspaceTrusted' },
      { command: previewCommandIds.compare, when: 'isWorkspaceTrusted' },
      { command: previewCommandIds.playground, when: 'isWorkspaceTrusted' },
      { command: previewCommandIds.pickModel, when: 'isWorkspaceTrusted' },
      { command: previewCommandIds.score, when: 'editorLangId == jsonl && isWorkspaceTrusted' },
      { command: previewCommandIds.clearScores, when: 'editorLangId == jsonl' },
    ],
    'editor/context': [
      { command: previewCommandIds.preview, when: 'editorLangId == jsonl && isWorkspaceTrusted', group: 'finetune@1' },
      { command: previewCommandIds.compare, when: 'editorLangId == jsonl && isWorkspaceTrusted', group: 'finetune@2' },
    ],
    'editor/title': [{ command: previewCommandIds.score, when: 'resourceLangId == jsonl && isWorkspaceTrusted', group: 'finetune@3' }],
  },
  configuration: {
    'finetune.preview.codeLens': { type: 'boolean', default: true, description: 'Show a "Preview" CodeLens on every dataset record (first 5,000 records of a file).' },
    'finetune.preview.maxNewTokens': { type: 'number', default: 256, minimum: 1, description: 'Most tokens a preview, comparison or playground reply generates.' },
    'finetune.preview.temperature': { type: 'number', default: 0, minimum: 0, description: 'Sampling temperature for previews and comparisons; 0 is greedy (deterministic).' },
    'finetune.preview.topP': { type: 'number', default: 1, exclusiveMinimum: 0, maximum: 1, description: 'Nucleus sampling for previews and comparisons (1 = off).' },
    'finetune.preview.device': { type: 'string', enum: [...DEVICE_NAMES], default: 'auto', description: `Execution provider for generation and scoring: ${DEVICE_HELP}` },
    'finetune.preview.compareLimit': { type: 'number', default: 20, minimum: 1, description: 'Most records a comparison of the eval file generates for.' },
  },
} as const;
