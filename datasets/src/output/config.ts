// The workspace config file, finetune.config.json: rule severities, maximum sequence length, eval file, base model
// folder and the other dataset settings. The CLI, the language server and the extension read the same file; its
// JSON schema (schemas/finetune.config.schema.json, generated from the zod schema in config-schema.ts) gives editors
// IntelliSense.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { findSyntaxError } from '../line/json-scan';
import { FORMAT_ORDER } from '../line/formats';
import { RULES } from '../rules/index';
import { defaultSettings } from '../settings';
import type { DatasetSettings, SeveritySetting } from '../../../contracts/src/dataset-types';
import { UserError } from '../../../contracts/src/user-error';
import type * as ConfigSchema from './config-schema';
import type { WorkspaceConfig } from './config-schema';

export type { WorkspaceConfig };

export const CONFIG_FILE_NAME = 'finetune.config.json';

/**
 * The zod schema's module, loaded when a config file is first read: zod is two thirds of `finetune lint`'s bundle and
 * took ~60 ms of its start-up (compile and evaluate, measured on this 2-core machine), and most datasets have no
 * config file. Bundled all the same; esbuild defers a required module's evaluation and V8 only pre-parses it.
 */
function schemaModule(): typeof ConfigSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./config-schema') as typeof ConfigSchema;
}

let schema: ConfigSchema.WorkspaceConfigSchema | null = null;

function configSchema(): ConfigSchema.WorkspaceConfigSchema {
  return (schema ??= schemaModule().workspaceConfigSchema(RULES.map((rule) => rule.meta), FORMAT_ORDER));
}

/** A bad config file: the message names the file and the key (or line and column). */
export class ConfigError extends UserError {
  constructor(message: string) {
    super(message, 'config');
  }
}

/** The config file's JSON schema (for editors), from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return schemaModule().configJsonSchema(configSchema());
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

export function parseWorkspaceConfig(text: string, file: string): WorkspaceConfig {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    const problem = findSyntaxError(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
    throw new ConfigError(problem ? `${file}:${lineAndColumn(text, problem.start)}: ${problem.message}` : `${file}: ${(error as Error).message}`);
  }
  const parsed = configSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.');
    const unknown = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((name) => `'${name}'`).join(', ')})` : '';
    throw new ConfigError(`${file}: ${key ? `'${key}': ` : ''}${issue.message}${unknown}`);
  }
  return parsed.data;
}

export function loadWorkspaceConfig(path: string): WorkspaceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseWorkspaceConfig(text, path);
}

/** The nearest finetune.config.json in the dataset's folder or above, or null. */
export function findWorkspaceConfig(datasetPath: string): string | null {
  let dir = dirname(resolve(datasetPath));
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Settings from a config (paths resolved against the config file's folder) over `base`. */
export function settingsFromConfig(config: WorkspaceConfig, configPath: string, base: DatasetSettings = defaultSettings()): DatasetSettings {
  const dir = dirname(resolve(configPath));
  const path = (value: string | undefined) => (value === undefined ? undefined : isAbsolute(value) ? value : resolve(dir, value));
  const severities: Record<string, SeveritySetting> = { ...base.severities };
  for (const [id, value] of Object.entries(config.rules ?? {})) if (value) severities[id] = value;
  return {
    ...base,
    format: config.format ?? base.format,
    maxSeqLen: config.maxSeqLen ?? base.maxSeqLen,
    severities,
    evalFile: path(config.evalFile) ?? base.evalFile,
    baseModel: path(config.baseModel) ?? base.baseModel,
    nearDuplicateThreshold: config.nearDuplicateThreshold ?? base.nearDuplicateThreshold,
    minExamples: config.minExamples ?? base.minExamples,
    minResponseChars: config.minResponseChars ?? base.minResponseChars,
    maxFindingsPerFile: config.maxFindingsPerFile ?? base.maxFindingsPerFile,
    maxDocumentSizeMB: config.maxDocumentSizeMB ?? base.maxDocumentSizeMB,
  };
}

/** Settings for a dataset file: an explicit config, else the nearest one, else the defaults. */
export function settingsForFile(datasetPath: string, explicitConfig?: string): { settings: DatasetSettings; configPath: string | null } {
  const configPath = explicitConfig ?? findWorkspaceConfig(datasetPath);
  if (!configPath) return { settings: defaultSettings(), configPath: null };
  return { settings: settingsFromConfig(loadWorkspaceConfig(configPath), configPath), configPath };
}
