// Writes the training part's manifest entries into package.json and its run configuration JSON schema into
// schemas/. Reads package.json fresh and writes it in one go (other parts edit `contributes` too): entries are
// matched by their id (command, view id, fileMatch, setting title) and replaced or appended; nothing else changes.
// Usage: node --import tsx scripts/contribute-training.ts
import * as fs from 'node:fs';
import { trainingContributions } from '../extension/src/training/contributions';
import { runConfigurationJsonSchema, runConfigurationSchemaPath } from '../extension/src/training/run-config';

type Json = Record<string, unknown>;

// What identifies an entry of each kind of contribution list.
function identity(entry: unknown): string {
  const record = entry as Json;
  const key = record.command ?? record.id ?? record.view ?? record.fileMatch ?? record.title ?? record;
  // viewsWelcome entries share their view and differ by `when`; menu entries differ by group.
  const welcomeWhen = record.contents !== undefined ? (record.when ?? null) : null;
  return JSON.stringify([key, record.group ?? null, welcomeWhen]);
}

function mergeList(existing: unknown[] | undefined, additions: unknown[]): unknown[] {
  const merged = [...(existing ?? [])];
  for (const addition of additions) {
    const index = merged.findIndex((entry) => identity(entry) === identity(addition));
    if (index >= 0) merged[index] = addition;
    else merged.push(addition);
  }
  return merged;
}

/** Merges our contributions into a manifest object (exported for the sync test). */
export function mergeTrainingContributions(manifest: Json): Json {
  const contributes = { ...((manifest.contributes as Json | undefined) ?? {}) };
  for (const [key, value] of Object.entries(trainingContributions.contributes)) {
    if (Array.isArray(value)) {
      contributes[key] = mergeList(contributes[key] as unknown[] | undefined, value);
    } else {
      const group = { ...((contributes[key] as Json | undefined) ?? {}) };
      for (const [subKey, list] of Object.entries(value as Record<string, unknown[]>)) group[subKey] = mergeList(group[subKey] as unknown[] | undefined, list);
      contributes[key] = group;
    }
  }
  const activationEvents = [...((manifest.activationEvents as string[] | undefined) ?? [])];
  for (const event of trainingContributions.activationEvents) if (!activationEvents.includes(event)) activationEvents.push(event);
  return { ...manifest, activationEvents, contributes };
}

export function runConfigurationSchemaText(): string {
  return `${JSON.stringify(runConfigurationJsonSchema(), null, 2)}\n`;
}

function writeAtomic(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

if (process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1])) {
  const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as Json;
  writeAtomic('package.json', `${JSON.stringify(mergeTrainingContributions(manifest), null, 2)}\n`);
  fs.mkdirSync('schemas', { recursive: true });
  writeAtomic(runConfigurationSchemaPath, runConfigurationSchemaText());
  console.log(`merged the training contributions into package.json and wrote ${runConfigurationSchemaPath}`);
}
