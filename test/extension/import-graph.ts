// The relative imports between TypeScript files (type-only ones too: they are file-level dependencies all the same)
// and the circles among them, for the layering tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*\(?\s*['"]([^'"]+)['"]/g;

export function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [file] : [];
  });
}

/** Every module specifier a file imports or re-exports, as written. */
export function importSpecifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => match[1] ?? match[2]);
}

/** A relative specifier resolved to the .ts file it names; undefined for packages and non-TypeScript files. */
export function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

/** Each import circle among the files (as the files in it, relative to the working directory), found by Tarjan's algorithm. */
export function importCircles(files: readonly string[]): string[][] {
  const inside = new Set(files.map((file) => path.resolve(file)));
  const edges = new Map([...inside].map((file) => [file, importSpecifiers(file).map((specifier) => resolveImport(file, specifier)).filter((target): target is string => target !== undefined && inside.has(target))]));
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file)!);
    stack.push(file);
    for (const target of edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(target)!));
      } else if (stack.includes(target)) lowLink.set(file, Math.min(lowLink.get(file)!, index.get(target)!));
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(path.relative(process.cwd(), member));
    } while (member !== file);
    if (component.length > 1 || edges.get(file)?.includes(file)) circles.push(component.sort());
  };
  for (const file of inside) if (!index.has(file)) visit(file);
  return circles;
}
