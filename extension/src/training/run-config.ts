// The run configuration file (`finetune.run.json`, or `<name>.finetune.run.json`): the trainer's own training
// arguments (contracts/src/training-arguments.ts, the one definition), with `out` optional (a fresh run folder is chosen)
// and paths relative to the file. Its JSON schema (schemas/finetune.run.schema.json) is generated from this zod
// schema; a test keeps the checked-in file in sync. No vscode imports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { TRAINING_OPTIONS, trainingArgumentsSchema, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';

export const runConfigurationFilePattern = '**/*finetune.run.json';
export const runConfigurationSchemaPath = 'schemas/finetune.run.schema.json';

export const runConfigurationSchema = trainingArgumentsSchema
  .omit({ resume: true }) // resuming is an action on an existing run, not a setting
  .extend({
    $schema: z.string().optional(),
    out: z.string().min(1).optional(),
  });

export type RunConfiguration = z.input<typeof runConfigurationSchema>;

const pathKeys = ['model', 'data', 'eval', 'out', 'initAdapter'] as const;

export function isRunConfigurationFile(file: string): boolean {
  return path.basename(file).endsWith('finetune.run.json');
}

/** The JSON schema of the run configuration file, with each option's help text as its description. */
export function runConfigurationJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runConfigurationSchema, { io: 'input' }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  for (const [key, option] of Object.entries(TRAINING_OPTIONS)) {
    if (properties[key]) properties[key].description = option.help;
  }
  properties.out.description = `${TRAINING_OPTIONS.out.help} Default: a new folder under the runs folder.`;
  properties.$schema.description = 'The JSON schema of this file.';
  return { title: 'Fine-Tune Studio run configuration', ...schema };
}

export class RunConfigurationError extends Error {}

/**
 * Reads and validates a run configuration file; paths become absolute (relative to the file's folder).
 * Errors name the file and the key.
 */
export function readRunConfiguration(file: string): RunConfiguration {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunConfigurationError(`${file}: ${(error as Error).message}`);
  }
  const parsed = runConfigurationSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${file}: ${issue.path.length > 0 ? `key '${issue.path.join('.')}'` : 'top level'}: ${issue.message}`);
    throw new RunConfigurationError(lines.join('\n'));
  }
  // Keep the input as written (defaults are the trainer's business), only with absolute paths.
  const configuration = { ...(value as RunConfiguration) };
  delete configuration.$schema;
  for (const key of pathKeys) {
    const relative = configuration[key];
    if (typeof relative === 'string') configuration[key] = path.resolve(path.dirname(file), relative);
  }
  return configuration;
}

/** A fresh run folder name: a readable stem plus the local date and time, e.g. `train-lora-20250114-093012`. */
export function newRunName(stem: string, method: string | undefined, now = new Date(), objective?: string): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const safeStem = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  // A preference run says so in its folder name: its loss is not comparable with an sft run's.
  return `${safeStem}-${method ?? 'lora'}${objective === 'dpo' ? '-dpo' : ''}-${stamp}`;
}

/** The training arguments of a configuration: `out` filled with a new folder under runsRoot when not given. */
export function argumentsFromConfiguration(configuration: RunConfiguration, runsRoot: string, stem: string): TrainingArgumentsInput {
  const { $schema: _schema, ...rest } = configuration;
  const out = rest.out ?? path.join(runsRoot, newRunName(stem, rest.method, new Date(), rest.objective));
  return { ...rest, out };
}

/** The checked-in schemas/finetune.run.schema.json, as `npm run contributions` writes it. */
export function runConfigurationSchemaText(): string {
  return `${JSON.stringify(runConfigurationJsonSchema(), null, 2)}\n`;
}
