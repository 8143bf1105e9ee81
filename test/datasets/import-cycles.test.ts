// No file of datasets/ or language-server/ may import itself through other files, type-only imports included:
// a circle makes the load order decide what is defined, and hides which file owns an idea.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const PARTS = ['datasets', 'language-server'];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts')) out.push(resolve(path));
  }
  return out;
}

/** The files a source imports or re-exports from, by relative specifier (`from './x'`, `import('./x')`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/\bfrom\s+'(\.[^']*)'|\bimport\s*\(\s*'(\.[^']*)'\s*\)|^import\s+'(\.[^']*)'/gm)].map((match) => match[1] ?? match[2] ?? match[3]);
  return specifiers.flatMap((specifier) => {
    const base = resolve(dirname(file), specifier);
    const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
    return found ? [found] : [];
  });
}

/** One circle of imports (as paths from the repository root), or null. */
export function findCircle(files: string[]): string[] | null {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of files) {
    const circle = visit(file);
    if (circle) return circle.map((item) => relative(process.cwd(), item));
  }
  return null;
}

for (const part of PARTS) {
  test(`no import circle inside ${part}/`, () => {
    assert.equal(findCircle(sourceFiles(part))?.join(' → ') ?? null, null);
  });
}
