// The `finetune.preview.*` settings as the preview part reads them: typed getters whose fallbacks are the manifest's
// defaults (contributions.ts), for hosts that lack the manifest (tests).
import * as vscode from 'vscode';
import type { GenerationSettings, ModelTarget } from '../../../contracts/src/worker/generation-protocol';
import { PREVIEW_SETTING_DEFAULTS } from './contributions';

type PreviewSettings = typeof PREVIEW_SETTING_DEFAULTS;

function read<K extends keyof PreviewSettings>(key: K): PreviewSettings[K] {
  return vscode.workspace.getConfiguration('finetune.preview').get<PreviewSettings[K]>(key) ?? PREVIEW_SETTING_DEFAULTS[key];
}

export function previewGenerationSettings(): GenerationSettings {
  return { maxNewTokens: read('maxNewTokens'), temperature: read('temperature'), topP: read('topP') };
}

export function previewDevice(): NonNullable<ModelTarget['device']> {
  return read('device');
}

export function codeLensEnabled(): boolean {
  return read('codeLens');
}

export function compareLimit(): number {
  return read('compareLimit');
}
