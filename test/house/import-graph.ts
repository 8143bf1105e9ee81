// The repository's relative imports as a graph of files (static, dynamic and type-only imports alike: a type import
// ties two files' designs together as much as a value import does).
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface ImportGraph {
  /** repository-relative file → the repository files it imports */
  edges: Map<string, string[]>;
}

const SOURCE = /\.(ts|mts|tsx)$/;
const IMPORT = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;
const EXTENSIONS = ['', '.ts', '.mts', '.tsx', '/index.ts'];

function sourceFiles(root: string, folder: string, out: string[]): string[] {
  const path = join(root, folder);
  if (!existsSync(path)) return out;
  for (const name of readdirSync(path)) {
    const child = join(folder, name);
    if (statSync(join(root, child)).isDirectory()) sourceFiles(root, child, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.mts')) out.push(child);
  }
  return out;
}

function resolveImport(root: string, fromFile: string, specifier: string): string | null {
  const base = join(dirname(fromFile), specifier);
  for (const extension of EXTENSIONS) {
    const candidate = base + extension;
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return relative('.', candidate);
  }
  return null;
}

/** The import graph of every source file under `folders` (each `src/` folder of a part, say). */
export function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const edges = new Map<string, string[]>();
  for (const folder of folders) {
    for (const file of sourceFiles(root, folder, [])) {
      const text = readFileSync(join(root, file), 'utf8');
      const targets = new Set<string>();
      for (const match of text.matchAll(IMPORT)) {
        const target = resolveImport(root, file, match[1]);
        if (target && SOURCE.test(target)) targets.add(target);
      }
      edges.set(file, [...targets]);
    }
  }
  return { edges };
}

/** Strongly connected components of more than one file (or a file importing itself): the import circles. */
export function importCircles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let next = 0;
  // Iterative Tarjan: the graph has a few hundred files, but recursion depth should not depend on the code's shape.
  for (const start of graph.edges.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ file: string; child: number }> = [{ file: start, child: 0 }];
    index.set(start, next);
    lowLink.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = graph.edges.get(frame.file) ?? [];
      if (frame.child < targets.length) {
        const target = targets[frame.child++];
        if (!index.has(target)) {
          index.set(target, next);
          lowLink.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, child: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.file, Math.min(lowLink.get(frame.file)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].file;
        lowLink.set(parent, Math.min(lowLink.get(parent)!, lowLink.get(frame.file)!));
      }
      if (lowLink.get(frame.file) === index.get(frame.file)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.file);
        if (component.length > 1 || targets.includes(frame.file)) circles.push(component.sort());
      }
    }
  }
  return circles;
}

/** The part a repository file belongs to: its first folder. */
export function partOf(file: string): string {
  return file.split(/[\\/]/)[0];
}
