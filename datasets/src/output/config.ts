// The workspace config file, finetune.config.json: rule severities, maximum sequence length, eval file, base model
// folder and the other dataset settings. The CLI, the language server and the extension read the same file; its
// JSON schema (schemas/finetune.config.schema.json, generated from this zod schema) gives editors IntelliSense.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { RULES } from '../rules/index';
import { FORMAT_ORDER } from '../line/formats';
import { findSyntaxError } from '../line/json-scan';
import { defaultSettings } from '../settings';
import type { DatasetSettings, FormatId, SeveritySetting } from '../../../contracts/src/dataset-types';
import { UserError } from '../../../contracts/src/user-error';

export const CONFIG_FILE_NAME = 'finetune.config.json';

const severity = z.enum(['error', 'warning', 'info', 'hint', 'off']);

const rules = z
  .object(Object.fromEntries(RULES.map((rule) => [rule.meta.id, severity.optional().describe(`${rule.meta.description} Default: ${rule.meta.defaultSeverity}.`)])))
  .strict()
  .describe('Severity per rule id: error, warning, info, hint or off.');

export const workspaceConfigSchema = z
  .object({
    $schema: z.string().optional(),
    format: z.enum(['auto', ...(FORMAT_ORDER as [FormatId, ...FormatId[]])]).optional().describe("Dataset format; 'auto' (default) detects it per file from the records' keys."),
    maxSeqLen: z.number().int().positive().optional().describe('Maximum sequence length in tokens; longer examples get `too-long`. Default 2048.'),
    rules: rules.optional(),
    evalFile: z.string().optional().describe('Eval dataset (relative to this file) checked by `eval-overlap`.'),
    baseModel: z.string().optional().describe("Hugging Face model folder (relative to this file) whose tokenizer and chat template count tokens; without it counts are estimates."),
    nearDuplicateThreshold: z.number().min(0.5).max(1).optional().describe('Jaccard similarity from which `near-duplicate` reports a pair. Default 0.8.'),
    minExamples: z.number().int().min(0).optional().describe('Fewer records than this get `too-few-examples`. Default 50.'),
    minResponseChars: z.number().int().min(0).optional().describe('Shorter responses get `short-response` (CJK characters count double). Default 3.'),
    maxFindingsPerFile: z.number().int().min(1).optional().describe('Findings the editor shows per file before a summary. Default 1000.'),
    maxDocumentSizeMB: z.number().positive().optional().describe('Open files above this size are not validated in the editor (use `finetune lint`). Default 50.'),
  })
  .strict();

export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

/** A bad config file: the message names the file and the key (or line and column). */
export class ConfigError extends UserError {
  constructor(message: string) {
    super(message, 'config');
  }
}

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(workspaceConfigSchema, { target: 'draft-7' }) as Record<string, unknown>;
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
  const parsed = workspaceConfigSchema.safeParse(json);
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
