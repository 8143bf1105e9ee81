// Crashing inputs kept as regression fixtures: test/fuzz-regressions/<target>/<sha1>.input (the bytes the check got)
// beside <sha1>.txt (what happened, and how it was found). test/fuzz-regressions.test.ts replays every one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './targets/seeds';

export const FIXTURES = join(ROOT, 'test', 'fuzz-regressions');

export function saveFixture(target: string, input: Buffer, note: string): string {
  const dir = join(FIXTURES, target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha1').update(input).digest('hex').slice(0, 16)}.input`);
  writeFileSync(file, input);
  writeFileSync(file.replace(/\.input$/, '.txt'), `${note.trimEnd()}\n`);
  return file;
}

/** Every saved fixture: [target, file]. */
export function listFixtures(): Array<[string, string]> {
  if (!existsSync(FIXTURES)) return [];
  const out: Array<[string, string]> = [];
  for (const target of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, target);
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.input')) out.push([target, join(dir, name)]);
  }
  return out;
}

export function readFixture(file: string): Buffer {
  return readFileSync(file);
}
