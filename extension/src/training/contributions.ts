// The training part's entries in package.json (commands, Runs view, menus, run configuration schema, settings,
// activation) and the ids the code uses for them. Pure data: no vscode imports (scripts/contributions.ts loads it).
import { DEVICE_HELP, DEVICE_NAMES } from '../../../contracts/src/device-names';
import type { PartContributions } from '../contributions/types';
import { runConfigurationSchemaPath } from './run-config';

export const trainingCommandIds = {
  start: 'finetune.startTraining',
  startFromConfiguration: 'finetune.startTrainingFromConfiguration',
  stop: 'finetune.stopTraining',
  resume: 'finetune.resumeTraining',
  openDashboard: 'finetune.openTrainingDashboard',
  refreshRuns: 'finetune.runs.refresh',
  compareRuns: 'finetune.runs.compare',
  deleteRun: 'finetune.runs.delete',
  openRunFolder: 'finetune.runs.openFolder',
  exportRecipe: 'finetune.exportRunAsRecipe',
  importRun: 'finetune.importRun',
} as const;

export const runsViewContainerId = 'finetune';
export const runsViewId = 'finetune.runs';
export const dashboardViewType = 'finetune.trainingDashboard';
export const runsFolderSetting = 'finetune.training.runsFolder';
export const trainingDeviceSetting = 'finetune.training.device';

export const TRAINING_SETTING_DEFAULTS = {
  runsFolder: '.finetune/runs',
  device: 'auto',
} as const;

const ids = trainingCommandIds;
const isRun = 'view == finetune.runs && viewItem =~ /^run\\./';

export const trainingContributions: PartContributions = {
  activationEvents: [
    `onView:${runsViewId}`,
    `onWebviewPanel:${dashboardViewType}`,
    'workspaceContains:**/*finetune.run.json',
    'workspaceContains:.finetune/runs/*/metrics.jsonl',
  ],
  commands: [
    { command: ids.start, title: 'Start Training…', category: 'Fine-Tune', icon: '$(play)', enablement: 'isWorkspaceTrusted' },
    { command: ids.startFromConfiguration, title: 'Start Training from Run Configuration', category: 'Fine-Tune', icon: '$(play)', enablement: 'isWorkspaceTrusted' },
    { command: ids.stop, title: 'Stop Training', category: 'Fine-Tune', icon: '$(debug-stop)' },
    { command: ids.resume, title: 'Resume Training…', category: 'Fine-Tune', icon: '$(debug-continue)', enablement: 'isWorkspaceTrusted' },
    { command: ids.openDashboard, title: 'Open Training Dashboard', category: 'Fine-Tune', icon: '$(graph-line)' },
    { command: ids.refreshRuns, title: 'Refresh Runs', category: 'Fine-Tune', icon: '$(refresh)' },
    { command: ids.compareRuns, title: 'Compare Loss Curves…', category: 'Fine-Tune', icon: '$(diff)' },
    { command: ids.deleteRun, title: 'Delete Run…', category: 'Fine-Tune', icon: '$(trash)' },
    { command: ids.openRunFolder, title: 'Open Run Folder', category: 'Fine-Tune', icon: '$(folder-opened)' },
    { command: ids.exportRecipe, title: 'Export Run as Cluster Recipe…', category: 'Fine-Tune', icon: '$(server-environment)', enablement: 'isWorkspaceTrusted' },
    { command: ids.importRun, title: 'Import Run…', category: 'Fine-Tune', icon: '$(cloud-download)', enablement: 'isWorkspaceTrusted' },
  ],
  viewsContainers: {
    activitybar: [{ id: runsViewContainerId, title: 'Fine-Tune', icon: 'media/finetune.svg' }],
  },
  views: {
    [runsViewContainerId]: [{ id: runsViewId, name: 'Runs', contextualTitle: 'Fine-Tune' }],
  },
  viewsWelcome: [
    {
      view: runsViewId,
      contents: `No training runs in this workspace yet.\n[Start Training…](command:${ids.start})\nOr create a \`finetune.run.json\` run configuration and start it from its CodeLens.`,
      when: 'isWorkspaceTrusted',
    },
    {
      view: runsViewId,
      contents: 'Training is disabled in Restricted Mode: it loads and runs models from this workspace. Datasets are still validated.\n[Manage Workspace Trust](command:workbench.trust.manage)',
      when: '!isWorkspaceTrusted',
    },
  ],
  menus: {
    commandPalette: [
      { command: ids.startFromConfiguration, when: 'resourceFilename =~ /finetune\\.run\\.json$/' },
      { command: ids.stop, when: 'finetune.training.running' },
      { command: ids.refreshRuns, when: 'false' },
      { command: ids.deleteRun, when: 'false' },
      { command: ids.openRunFolder, when: 'false' },
    ],
    'view/title': [
      { command: ids.start, when: `view == ${runsViewId}`, group: 'navigation@1' },
      { command: ids.compareRuns, when: `view == ${runsViewId}`, group: 'navigation@2' },
      { command: ids.refreshRuns, when: `view == ${runsViewId}`, group: 'navigation@3' },
      { command: ids.importRun, when: `view == ${runsViewId} && isWorkspaceTrusted`, group: 'navigation@4' },
    ],
    'view/item/context': [
      { command: ids.openDashboard, when: isRun, group: 'inline@1' },
      { command: ids.stop, when: 'view == finetune.runs && viewItem == run.running', group: 'inline@2' },
      { command: ids.resume, when: 'view == finetune.runs && viewItem =~ /^run\\.(cancelled|failed)$/', group: 'inline@2' },
      { command: ids.openDashboard, when: isRun, group: '1_open@1' },
      { command: ids.openRunFolder, when: isRun, group: '1_open@2' },
      { command: ids.compareRuns, when: isRun, group: '2_compare@1' },
      { command: ids.exportRecipe, when: 'view == finetune.runs && viewItem == run.done && isWorkspaceTrusted', group: '1_open@4' },
      { command: ids.deleteRun, when: 'view == finetune.runs && viewItem =~ /^run\\.(done|cancelled|failed)$/', group: '9_delete@1' },
    ],
    'editor/title': [{ command: ids.startFromConfiguration, when: 'resourceFilename =~ /finetune\\.run\\.json$/ && isWorkspaceTrusted', group: 'navigation' }],
    'explorer/context': [{ command: ids.start, when: 'resourceExtname == .jsonl && isWorkspaceTrusted', group: 'finetune@3' }],
  },
  jsonValidation: [{ fileMatch: ['finetune.run.json', '*.finetune.run.json'], url: `./${runConfigurationSchemaPath}` }],
  configuration: [
    {
      title: 'Fine-Tune: Training',
      properties: {
        [runsFolderSetting]: {
          type: 'string',
          default: TRAINING_SETTING_DEFAULTS.runsFolder,
          scope: 'resource',
          markdownDescription: 'Folder (relative to the workspace folder, or absolute) where each training run gets its own folder: `run.json`, `metrics.jsonl`, checkpoints and the adapter or model. The Runs view lists the runs found there.',
        },
        [trainingDeviceSetting]: {
          type: 'string',
          enum: [...DEVICE_NAMES],
          default: TRAINING_SETTING_DEFAULTS.device,
          scope: 'resource',
          markdownDescription: `Where training runs when the run configuration names no \`device\`: ${DEVICE_HELP} The dashboard shows the device and adapter a run got.`,
        },
      },
    },
  ],
};
