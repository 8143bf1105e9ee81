// Small datasets for the language server tests, with known problems on known lines (0-based).
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function chat(user: string, assistant: string): string {
  return JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
}

/** Lines: 0 clean, 1 clean, 2 duplicate of 0, 3 an e-mail address (pii), 4 a misspelled key, 5 trailing whitespace. */
export const PROBLEM_LINES = [
  chat('What is the capital of France?', 'The capital of France is Paris.'),
  chat('Name a primary colour.', 'Red is one of the three primary colours.'),
  chat('What is the capital of France?', 'The capital of France is Paris.'),
  chat('Please forward the invoice to jane.doe@mailbox.org today.', 'I will forward the invoice to that address right away.'),
  JSON.stringify({ mesages: [{ role: 'user', content: 'How many legs does a spider have?' }, { role: 'assistant', content: 'A spider has eight legs.' }] }),
  chat('Translate "good morning" into German.', 'Guten Morgen.   '),
];
export const PROBLEM_TEXT = PROBLEM_LINES.join('\n') + '\n';

export function tempWorkspace(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finetune-lsp-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
