// The export part's command ids, the Hub endpoint setting and their manifest entries. Pure data: no vscode imports
// (scripts/contributions.ts loads it).
import { DEFAULT_HUB_ENDPOINT } from '../../../engine/src/download/hub-client';
import type { PartContributions } from '../contributions/types';

export const exportCommandIds = {
  exportRun: 'finetune.exportRun',
  downloadModel: 'finetune.downloadModel',
  setHubToken: 'finetune.setHubToken',
} as const;

/** Key within the `finetune` section; unset means the engine's default endpoint, which is also the manifest's. */
export const HUB_ENDPOINT_SETTING = 'hubEndpoint';

const ids = exportCommandIds;

export const exportContributions: PartContributions = {
  commands: [
    { command: ids.exportRun, title: 'Export Run…', category: 'Fine-Tune', icon: '$(package)' },
    { command: ids.downloadModel, title: 'Download Base Model…', category: 'Fine-Tune', icon: '$(cloud-download)' },
    { command: ids.setHubToken, title: 'Set Hugging Face Token…', category: 'Fine-Tune' },
  ],
  menus: {
    commandPalette: [
      { command: ids.exportRun, when: 'isWorkspaceTrusted' },
      { command: ids.downloadModel, when: 'isWorkspaceTrusted' },
    ],
    'view/title': [{ command: ids.downloadModel, when: 'view == finetune.runs && isWorkspaceTrusted', group: '1_models@1' }],
    'view/item/context': [{ command: ids.exportRun, when: 'view == finetune.runs && viewItem == run.done', group: '1_open@3' }],
  },
  configuration: [
    {
      title: 'Fine-Tune: Models',
      properties: {
        [`finetune.${HUB_ENDPOINT_SETTING}`]: {
          type: 'string',
          default: DEFAULT_HUB_ENDPOINT,
          scope: 'machine',
          format: 'uri',
          markdownDescription:
            'Hugging Face Hub (or a mirror) that **Download Base Model…** fetches from. Machine scope: a workspace cannot redirect downloads, or the token, elsewhere. The token is never a setting: use **Fine-Tune: Set Hugging Face Token…** (secret storage) or the `HF_TOKEN` environment variable.',
        },
      },
    },
  ],
};
