// The zod schema of finetune.config.json (output/config.ts reads the file): the one definition behind both the
// validation of a config file and its JSON schema (schemas/finetune.config.schema.json), which gives editors
// IntelliSense. config.ts loads this module only when it needs it (zod is most of the lint bundle's start-up), and
// passes in the rules and formats: a module loaded on demand makes the bundler defer every module it imports as
// well, and deferred modules' constants are no longer constants to the JIT (the per-line analysis ran 15% slower).
import { z } from 'zod';
import type { RuleMeta } from '../rules/meta';
import type { FormatId } from '../../../contracts/src/dataset-types';

const severity = z.enum(['error', 'warning', 'info', 'hint', 'off']);

export function workspaceConfigSchema(rules: readonly RuleMeta[], formats: readonly FormatId[]) {
  const severities = z
    .object(Object.fromEntries(rules.map((rule) => [rule.id, severity.optional().describe(`${rule.description} Default: ${rule.defaultSeverity}.`)])))
    .strict()
    .describe('Severity per rule id: error, warning, info, hint or off.');
  return z.object({
    $schema: z.string().optional(),
    format: z.enum(['auto', ...(formats as [FormatId, ...FormatId[]])]).optional().describe("Dataset format; 'auto' (default) detects it per file from the records' keys."),
    maxSeqLen: z.number().int().positive().optional().describe('Maximum sequence length in tokens; longer examples get `too-long`. Default 2048.'),
    rules: severities.optional(),
    evalFile: z.string().optional().describe('Eval dataset (relative to this file) checked by `eval-overlap`.'),
    baseModel: z.string().optional().describe("Hugging Face model folder (relative to this file) whose tokenizer and chat template count tokens; without it counts are estimates."),
    nearDuplicateThreshold: z.number().min(0.5).max(1).optional().describe('Jaccard similarity from which `near-duplicate` reports a pair. Default 0.8.'),
    minExamples: z.number().int().min(0).optional().describe('Fewer records than this get `too-few-examples`. Default 50.'),
    minResponseChars: z.number().int().min(0).optional().describe('Shorter responses get `short-response` (CJK characters count double). Default 3.'),
    maxFindingsPerFile: z.number().int().min(1).optional().describe('Findings the editor shows per file before a summary. Default 1000.'),
    maxDocumentSizeMB: z.number().positive().optional().describe('Open files above this size are not validated in the editor (use `finetune lint`). Default 50.'),
  }).strict();
}

export type WorkspaceConfigSchema = ReturnType<typeof workspaceConfigSchema>;
export type WorkspaceConfig = z.infer<WorkspaceConfigSchema>;

export function configJsonSchema(schema: WorkspaceConfigSchema): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
}
