// The dataset and language server settings: their defaults (the server's own, from datasets/) and their manifest
// entries. config.ts reads the settings with these defaults, so package.json and the code cannot disagree.
import type { EditorSettings } from '../../contracts/src/lsp-protocol';
import type { SeveritySetting } from '../../contracts/src/dataset-types';
import { DEFAULT_MAX_DOCUMENT_SIZE_MB, defaultSettings } from '../../datasets/src/settings';
import { RULES } from '../../datasets/src/rules/index';
import type { SettingSchema, SettingsSection } from './contributions/types';
import { FORMATS } from './convert-formats';

const serverDefaults = defaultSettings();

/** What each editor setting is when unset: the language server's defaults (paths are empty, severities the rules'). */
export const EDITOR_SETTING_DEFAULTS: EditorSettings = {
  format: serverDefaults.format,
  maxSeqLen: serverDefaults.maxSeqLen,
  baseModel: '',
  evalFile: '',
  nearDuplicateThreshold: serverDefaults.nearDuplicateThreshold,
  minExamples: serverDefaults.minExamples,
  minResponseChars: serverDefaults.minResponseChars,
  maxFindingsPerFile: serverDefaults.maxFindingsPerFile,
  severity: serverDefaults.severities,
  maxDocumentSizeMB: DEFAULT_MAX_DOCUMENT_SIZE_MB,
};

export const SERVER_MEMORY_LIMIT_SETTING = 'finetune.server.memoryLimitMB';
export const DEFAULT_SERVER_MEMORY_LIMIT_MB = 4096;

const SEVERITY_SETTINGS = ['error', 'warning', 'info', 'hint', 'off'] as const satisfies readonly SeveritySetting[];
const severitySchema = () => ({ type: 'string', enum: [...SEVERITY_SETTINGS] });

// One entry per rule, documented with the rule's own description and default severity.
function ruleSeverityProperties(): Record<string, SettingSchema> {
  return Object.fromEntries(
    RULES.map(({ meta }) => [meta.id, { ...severitySchema(), markdownDescription: `${meta.description} Default: ${meta.defaultSeverity}.` }]),
  );
}

const defaults = EDITOR_SETTING_DEFAULTS;

export const datasetSettings: SettingsSection = {
  title: 'Fine-Tune: Datasets',
  properties: {
    'finetune.format': {
      type: 'string',
      enum: ['auto', ...FORMATS.map((format) => format.id)],
      default: defaults.format,
      scope: 'resource',
      markdownDescription: 'Dataset format. `auto` detects it per file from the keys of its records.',
    },
    'finetune.maxSeqLen': {
      type: 'integer',
      minimum: 1,
      default: defaults.maxSeqLen,
      scope: 'resource',
      markdownDescription: 'Maximum sequence length in tokens: longer rendered examples get `too-long` (they would be truncated).',
    },
    'finetune.baseModel': {
      type: 'string',
      default: defaults.baseModel,
      scope: 'resource',
      markdownDescription:
        'Folder of a Hugging Face model (absolute or relative to the workspace folder) whose tokenizer and chat template count tokens and render examples. Empty: an estimate and a default template. Ignored in untrusted workspaces.',
    },
    'finetune.evalFile': {
      type: 'string',
      default: defaults.evalFile,
      scope: 'resource',
      markdownDescription:
        'Eval dataset (absolute or relative to the workspace folder): records that also appear in it get `eval-overlap`. Only a regular file is read. Ignored in untrusted workspaces.',
    },
    'finetune.nearDuplicateThreshold': {
      type: 'number',
      minimum: 0.5,
      maximum: 1,
      default: defaults.nearDuplicateThreshold,
      scope: 'resource',
      markdownDescription: 'Estimated Jaccard similarity above which two records are `near-duplicate`s.',
    },
    'finetune.minExamples': {
      type: 'integer',
      minimum: 0,
      default: defaults.minExamples,
      scope: 'resource',
      markdownDescription: 'Fewer records than this is reported on line 1.',
    },
    'finetune.minResponseChars': {
      type: 'integer',
      minimum: 0,
      default: defaults.minResponseChars,
      scope: 'resource',
      markdownDescription: 'Responses shorter than this many characters get `short-response`.',
    },
    'finetune.maxFindingsPerFile': {
      type: 'integer',
      minimum: 1,
      default: defaults.maxFindingsPerFile,
      scope: 'resource',
      markdownDescription: 'Diagnostics shown per file before one summary diagnostic takes over.',
    },
    'finetune.severity': {
      type: 'object',
      default: defaults.severity,
      scope: 'resource',
      markdownDescription:
        'Severity per rule id (`error`, `warning`, `info`, `hint` or `off`), e.g. `{ "pii": "error", "near-duplicate": "off" }`. A `finetune.config.json` in the workspace takes precedence.',
      properties: ruleSeverityProperties(),
      additionalProperties: severitySchema(),
    },
    'finetune.maxDocumentSizeMB': {
      type: 'number',
      minimum: 1,
      default: defaults.maxDocumentSizeMB,
      scope: 'resource',
      markdownDescription: 'Datasets larger than this are not validated in the editor (one diagnostic explains why); use `finetune lint` on them.',
    },
  },
};

export const serverSettings: SettingsSection = {
  title: 'Fine-Tune: Language Server',
  properties: {
    [SERVER_MEMORY_LIMIT_SETTING]: {
      type: 'integer',
      minimum: 256,
      default: DEFAULT_SERVER_MEMORY_LIMIT_MB,
      scope: 'window',
      markdownDescription: 'Heap limit of the language server process. Changing it restarts the server.',
    },
    // Read by vscode-languageclient itself (the client's id is `finetune`).
    'finetune.trace.server': {
      type: 'string',
      enum: ['off', 'messages', 'verbose'],
      default: 'off',
      scope: 'window',
      description: 'Traces the communication between VS Code and the Fine-Tune language server (in the Fine-Tune output).',
    },
  },
};
