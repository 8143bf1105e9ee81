// The Fine-Tune language server's custom protocol, shared by the server and the extension (like rust-analyzer's
// lsp_ext.ts): every request and notification beyond standard LSP, with namespaced `finetune/…` methods.
// Types only come from the pure service; nothing here imports vscode or a connection.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { repository } from '../../package.json';
import type {
  CanonicalExample,
  ConversionResult,
  DatasetReport,
  DatasetSettings,
  FormatId,
  RenderedExample,
  SeveritySetting,
} from './dataset-types';

/** The language id the server validates; the extension contributes it for `*.jsonl` files. */
export const LANGUAGE_ID = 'jsonl';
/** The editor settings section (`finetune.*`) the server reads per document through workspace/configuration. */
export const CONFIG_SECTION = 'finetune';
/**
 * Settings that name a file to read (a model folder's tokenizer and chat template, an eval file): ignored in an
 * untrusted workspace, where a setting's say-so must not make the server read any path (/dev/zero included). The server
 * drops them; the extension lists them as package.json's restrictedConfigurations.
 */
export const SETTINGS_IGNORED_WHEN_UNTRUSTED = ['baseModel', 'evalFile'] as const satisfies ReadonlyArray<keyof DatasetSettings>;
/** The workspace config file the server looks for next to a dataset and up the folder tree. */
export const WORKSPACE_CONFIG_FILE = 'finetune.config.json';
/** Diagnostics' `source`. */
export const DIAGNOSTIC_SOURCE = 'finetune';
/** Where each rule's documentation lives: the README's rule table (one `rule-<id>` anchor per row) in the repository. */
export const RULE_DOCS_BASE = `${repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/blob/main/README.md`;

export function ruleDocsUrl(rule: string): string {
  return `${RULE_DOCS_BASE}#rule-${rule}`;
}

/** Sent by the client in `initialize`; an LSP client that sends nothing gets a trusted, full-featured server. */
export interface InitializationOptions {
  /** False in an untrusted workspace: validation only, no model folder (tokenizer, chat template) is loaded. */
  trusted?: boolean;
}

/**
 * The `finetune` editor settings as the server reads them (package.json's `contributes.configuration` declares the
 * same keys; a test keeps them in step). Relative paths resolve against the document's workspace folder.
 */
export interface EditorSettings {
  format: FormatId | 'auto';
  maxSeqLen: number;
  baseModel: string;
  evalFile: string;
  nearDuplicateThreshold: number;
  minExamples: number;
  minResponseChars: number;
  maxFindingsPerFile: number;
  /** Rule id → severity or 'off'. */
  severity: Record<string, SeveritySetting>;
  /** Documents above this size get one `file-too-large` diagnostic instead of validation. */
  maxDocumentSizeMB: number;
}

export const EDITOR_SETTING_KEYS: ReadonlyArray<keyof EditorSettings> = [
  'format',
  'maxSeqLen',
  'baseModel',
  'evalFile',
  'nearDuplicateThreshold',
  'minExamples',
  'minResponseChars',
  'maxFindingsPerFile',
  'severity',
  'maxDocumentSizeMB',
];

export interface DocumentParams {
  uri: string;
}

/** The dataset report of an open document (null when the server does not have that document open). */
export const ReportRequest = new RequestType<DocumentParams, DatasetReport | null, void>('finetune/report');

export interface RenderExampleParams {
  uri: string;
  /** 0-based line of the record. */
  line: number;
}

export interface RenderExampleResult {
  line: number;
  example: CanonicalExample;
  rendered: RenderedExample;
}

/** One record rendered through the chat template with the trained spans (null on a blank or invalid line). */
export const RenderExampleRequest = new RequestType<RenderExampleParams, RenderExampleResult | null, void>(
  'finetune/renderExample',
);

export interface ConvertParams {
  uri: string;
  targetFormat: FormatId;
}

/** `text` (JSONL, one record per line), records `converted`, and `skipped` ones with why (0-based source line). */
export type ConvertResult = ConversionResult;

/** The document converted to another format; the client writes it to a new file (never over the source). */
export const ConvertRequest = new RequestType<ConvertParams, ConvertResult | null, void>('finetune/convert');

export interface SettingsResult {
  /** The settings the service validates this document with, after config file, editor settings and defaults. */
  settings: DatasetSettings;
  /** Absolute path of the workspace config file that applied, if any. */
  configFile: string | null;
  trusted: boolean;
}

/** The resolved settings of one document (for the report's header and for tests). */
export const SettingsRequest = new RequestType<DocumentParams, SettingsResult | null, void>('finetune/settings');

export interface SetLossesParams {
  uri: string;
  /** [0-based line, mean token loss] pairs from a finished run; null clears them. */
  losses: Array<[number, number]> | null;
}

/** Per-example losses from a run, for the `high-loss` rule; the server re-validates the document. */
export const SetLossesNotification = new NotificationType<SetLossesParams>('finetune/setLosses');

export interface ServerStatusParams {
  health: 'ok' | 'warning' | 'error';
  /** What went wrong and what to do, when health is not ok. */
  message?: string;
}

/** The server reports its state (e.g. a base model whose tokenizer failed to load) instead of popping dialogs. */
export const ServerStatusNotification = new NotificationType<ServerStatusParams>('finetune/serverStatus');
