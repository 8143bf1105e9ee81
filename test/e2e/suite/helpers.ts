// Shared steps of the integration tests: find and activate the extension, write datasets into the workspace, open
// them, and wait for the real language server's diagnostics to satisfy a condition.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'finetune-studio.finetune-studio';
export const DIAGNOSTIC_SOURCE = 'finetune';

export function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not installed in this extension host`);
  return found;
}

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder');
  return folder.uri.fsPath;
}

/** Writes a dataset (one JSON value or raw string per line) into the workspace and returns its Uri. */
export function writeDataset(name: string, lines: ReadonlyArray<unknown>): vscode.Uri {
  const path = join(workspaceFolder(), name);
  writeFileSync(path, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  return vscode.Uri.file(path);
}

export async function openDataset(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function finetuneDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
}

/** Rule ids present on the document, with their 0-based line numbers: `json-syntax@1`. */
export function describeDiagnostics(uri: vscode.Uri): string[] {
  return finetuneDiagnostics(uri).map((d) => `${codeOf(d)}@${d.range.start.line}`);
}

/** Polls until `predicate` holds (checked on every diagnostics change and every 200 ms) or the timeout passes. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const subscription = vscode.languages.onDidChangeDiagnostics(() => {
        subscription.dispose();
        resolve();
      });
      setTimeout(() => {
        subscription.dispose();
        resolve();
      }, 200);
    });
  }
}

/** Waits until the document's finetune diagnostics satisfy `predicate`; the failure message lists what was there. */
export async function waitForDiagnostics(uri: vscode.Uri, what: string, predicate: (diagnostics: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  try {
    return await waitFor(what, () => {
      const diagnostics = finetuneDiagnostics(uri);
      return predicate(diagnostics) ? diagnostics : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; diagnostics now: [${describeDiagnostics(uri).join(', ')}]`);
  }
}

export function hasRule(diagnostics: vscode.Diagnostic[], rule: string, line?: number): boolean {
  return diagnostics.some((d) => codeOf(d) === rule && (line === undefined || d.range.start.line === line));
}

/** Sets a `finetune.*` setting for the workspace folder (written to .vscode/settings.json) and waits for it to apply. */
export async function setWorkspaceSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration('finetune');
  await config.update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Hand-written, distinct chat records that trip no content rule, so each test controls which rules fire. */
const CLEAN_PAIRS: ReadonlyArray<[string, string]> = [
  ['What is the boiling point of water at sea level?', 'Water boils at 100 degrees Celsius (212 degrees Fahrenheit) at sea level.'],
  ['Name three primary colors used in painting.', 'Red, yellow and blue are the traditional primary colors for mixing paint.'],
  ['How many legs does a spider have?', 'Spiders have eight legs, which sets them apart from insects with six.'],
  ['Translate "good morning" into Spanish.', 'In Spanish, "good morning" is "buenos días".'],
  ['What does a thermometer measure?', 'A thermometer measures temperature, usually in degrees Celsius or Fahrenheit.'],
  ['Give one benefit of regular exercise.', 'Regular exercise strengthens the heart and improves sleep quality.'],
  ['Which planet is closest to the Sun?', 'Mercury orbits closest to the Sun, completing a lap every 88 days.'],
  ['Why do leaves change color in autumn?', 'Chlorophyll breaks down as days shorten, revealing yellow and orange pigments.'],
  ['What is the capital city of Japan?', 'Tokyo has been the capital of Japan since the nineteenth century.'],
  ['How do bees help plants?', 'Bees carry pollen between flowers, which lets many plants form seeds and fruit.'],
  ['What is a haiku?', 'A haiku is a short Japanese poem of three lines with five, seven and five syllables.'],
  ['Convert 3 kilometers to meters.', 'Three kilometers equal 3000 meters, since each kilometer has 1000 meters.'],
];

export type ChatRecord = { messages: Array<{ role: string; content: string }> };

export function chat(user: string, assistant: string): ChatRecord {
  return { messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] };
}

/** Up to 12 distinct clean records. */
export function cleanRecords(count: number): ChatRecord[] {
  assert.ok(count <= CLEAN_PAIRS.length, `at most ${CLEAN_PAIRS.length} clean records`);
  return CLEAN_PAIRS.slice(0, count).map(([user, assistant]) => chat(user, assistant));
}
