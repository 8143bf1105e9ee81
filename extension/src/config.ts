// Typed access to the `finetune.*` settings (rust-analyzer's config.ts habit). The language server reads the
// dataset settings itself, per document; the extension reads what it needs here, and knows which settings only
// take effect after a server restart.
import * as vscode from 'vscode';
import { CONFIG_SECTION, type EditorSettings } from '../../contracts/src/lsp-protocol';
import type { FormatId, SeveritySetting } from '../../contracts/src/dataset-types';
import { DEFAULT_SERVER_MEMORY_LIMIT_MB, EDITOR_SETTING_DEFAULTS, SERVER_MEMORY_LIMIT_SETTING } from './dataset-settings';

/** Settings read once when the server process starts: changing them restarts it. */
export const RESTART_SETTINGS = [SERVER_MEMORY_LIMIT_SETTING] as const;

export class Config {
  constructor(private readonly scope?: vscode.ConfigurationScope) {}

  /** The same settings as they apply to one resource (a dataset's folder may override the workspace). */
  forResource(uri: vscode.Uri): Config {
    return new Config(uri);
  }

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION, this.scope);
  }

  // VS Code answers the manifest's default; the fallback serves hosts without it (tests) and is the same value.
  private read<K extends keyof EditorSettings>(key: K): EditorSettings[K] {
    return this.section.get<EditorSettings[K]>(key) ?? EDITOR_SETTING_DEFAULTS[key];
  }

  get format(): FormatId | 'auto' {
    return this.read('format');
  }
  get maxSeqLen(): number {
    return this.read('maxSeqLen');
  }
  /** As written in settings: may be relative to the workspace folder; empty when unset. */
  get baseModel(): string {
    return this.read('baseModel');
  }
  get evalFile(): string {
    return this.read('evalFile');
  }
  get severity(): Record<string, SeveritySetting> {
    return this.read('severity');
  }
  get maxDocumentSizeMB(): number {
    return this.read('maxDocumentSizeMB');
  }
  /** Heap limit of the language server process (large datasets keep per-line caches). */
  get serverMemoryLimitMB(): number {
    return vscode.workspace.getConfiguration(undefined, this.scope).get<number>(SERVER_MEMORY_LIMIT_SETTING) ?? DEFAULT_SERVER_MEMORY_LIMIT_MB;
  }

  /** Resolves a path setting against the resource's workspace folder (absolute paths pass through). */
  resolvePath(value: string, resource?: vscode.Uri): string | undefined {
    if (!value) return undefined;
    if (value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value)) return value;
    const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, value).fsPath : undefined;
  }

  static affectsRestart(event: vscode.ConfigurationChangeEvent): boolean {
    return RESTART_SETTINGS.some((key) => event.affectsConfiguration(key));
  }
}
