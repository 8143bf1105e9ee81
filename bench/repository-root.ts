// The repository the bench runs in: found from this file's folder upwards, whether it runs from bench/ (tsx) or
// from its bundle in out/bench/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'bench', 'train-memory-child.ts'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find bench/train-memory-child.ts above ' + __dirname);
    dir = parent;
  }
  return dir;
}
