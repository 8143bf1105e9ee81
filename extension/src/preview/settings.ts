// The `finetune.preview.*` settings as the preview part reads them (typed getters, defaults as in the manifest).
import * as vscode from 'vscode';
import type { GenerationSettings, ModelTarget } from '../../../contracts/src/worker/generation-protocol';

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('finetune.preview');
}

export function previewGenerationSettings(): GenerationSettings {
  const config = section();
  return {
    maxNewTokens: config.get<number>('maxNewTokens') ?? 256,
    temperature: config.get<number>('temperature') ?? 0,
    topP: config.get<number>('topP') ?? 1,
  };
}

export function previewDevice(): NonNullable<ModelTarget['device']> {
  return config<NonNullable<ModelTarget['device']>>('device', 'auto');
}

export function codeLensEnabled(): boolean {
  return config('codeLens', true);
}

export function compareLimit(): number {
  return config('compareLimit', 20);
}

function config<T>(key: string, fallback: T): T {
  return section().get<T>(key) ?? fallback;
}
