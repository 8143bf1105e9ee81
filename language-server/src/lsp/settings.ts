// Per-document settings (vscode-eslint's habit: cache per URI, clear on change, never globals). A document's
// settings are the service defaults, overridden by the editor's `finetune.*` settings for that document, overridden
// by the nearest workspace config file (finetune.config.json), which the CLI reads too.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS_IGNORED_WHEN_UNTRUSTED, type EditorSettings } from '../../../contracts/src/lsp-protocol';
import { defaultSettings, findWorkspaceConfig, FORMAT_ORDER, loadWorkspaceConfig, settingsFromConfig } from '../../../datasets/src';
import type { DatasetSettings, FormatId, SeveritySetting } from '../../../contracts/src/dataset-types';

export interface ResolvedSettings {
  settings: DatasetSettings;
  /** The workspace config file that applied. */
  configFile: string | null;
  /** What went wrong while reading settings (a broken config file): reported, then defaults are used. */
  problems: string[];
}

const FORMATS: ReadonlySet<string> = new Set(['auto', ...FORMAT_ORDER]);
const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** The file system path of a `file:` URI, else null (untitled documents have no folder to look in). */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function resolvePath(value: unknown, baseDirectory: string | null): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (path.isAbsolute(value)) return value;
  return baseDirectory ? path.resolve(baseDirectory, value) : undefined;
}

/**
 * Applies editor settings over defaults. Values of the wrong type are ignored (the settings UI validates, but
 * settings.json can hold anything). Relative paths resolve against `baseDirectory` (the workspace folder).
 */
export function applyEditorSettings(base: DatasetSettings, editor: Partial<EditorSettings> | null, baseDirectory: string | null): DatasetSettings {
  if (!editor) return base;
  const settings: DatasetSettings = { ...base, severities: { ...base.severities } };
  if (typeof editor.format === 'string' && FORMATS.has(editor.format)) settings.format = editor.format as FormatId | 'auto';
  for (const key of ['maxSeqLen', 'nearDuplicateThreshold', 'minExamples', 'minResponseChars', 'maxFindingsPerFile', 'maxDocumentSizeMB'] as const) {
    const value = positiveNumber(editor[key]);
    if (value !== undefined) settings[key] = value;
  }
  const baseModel = resolvePath(editor.baseModel, baseDirectory);
  if (baseModel) settings.baseModel = baseModel;
  const evalFile = resolvePath(editor.evalFile, baseDirectory);
  if (evalFile) settings.evalFile = evalFile;
  if (editor.severity && typeof editor.severity === 'object') {
    for (const [rule, severity] of Object.entries(editor.severity)) {
      if (typeof severity === 'string' && SEVERITIES.has(severity)) settings.severities[rule] = severity as SeveritySetting;
    }
  }
  return settings;
}

export interface SettingsSource {
  /** The editor's `finetune` section for a document, or null when the client cannot provide it. */
  editorSettings(uri: string): Promise<Partial<EditorSettings> | null>;
  /** Workspace folder paths, to resolve relative paths in editor settings. */
  workspaceFolders(): string[];
  trusted(): boolean;
}

export class SettingsResolver {
  private readonly cache = new Map<string, Promise<ResolvedSettings>>();

  constructor(private readonly source: SettingsSource) {}

  get(uri: string): Promise<ResolvedSettings> {
    let pending = this.cache.get(uri);
    if (!pending) {
      pending = this.resolve(uri);
      this.cache.set(uri, pending);
    }
    return pending;
  }

  /** Forgets one document's settings, or all of them (editor settings or a config file changed). */
  clear(uri?: string): void {
    if (uri === undefined) this.cache.clear();
    else this.cache.delete(uri);
  }

  private async resolve(uri: string): Promise<ResolvedSettings> {
    const problems: string[] = [];
    const documentPath = uriToPath(uri);
    const folder = documentPath ? this.folderOf(documentPath) : (this.source.workspaceFolders()[0] ?? null);
    let editor: Partial<EditorSettings> | null = null;
    try {
      editor = await this.source.editorSettings(uri);
    } catch (error) {
      problems.push(`could not read the editor settings: ${error instanceof Error ? error.message : String(error)}`);
    }
    let settings = applyEditorSettings(defaultSettings(), editor, folder ?? (documentPath && path.dirname(documentPath)));
    let configFile: string | null = null;
    if (documentPath) {
      try {
        configFile = findWorkspaceConfig(documentPath);
        if (configFile) settings = settingsFromConfig(loadWorkspaceConfig(configFile), configFile, settings);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    // Untrusted workspaces: validation of the document only. A model folder's tokenizer and chat template are never
    // loaded, and no other file is read on a setting's say-so (an eval file could be any path, /dev/zero included).
    if (!this.source.trusted()) {
      for (const key of SETTINGS_IGNORED_WHEN_UNTRUSTED) delete settings[key];
    }
    return { settings, configFile, problems };
  }

  /** The innermost workspace folder that contains the document. */
  private folderOf(documentPath: string): string | null {
    let best: string | null = null;
    for (const folder of this.source.workspaceFolders()) {
      const relative = path.relative(folder, documentPath);
      if (!relative.startsWith('..') && !path.isAbsolute(relative) && (!best || folder.length > best.length)) best = folder;
    }
    return best;
  }
}
