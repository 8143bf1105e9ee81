// Where an export goes: a fresh folder filled under a temporary name beside it and renamed into place, so a reader
// never sees half a model; a non-empty destination is refused unless `force` (then the old one is replaced).
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { replaceFolder } from '../io/atomic-write';
import { UserError } from '../../../contracts/src/user-error';
import { isModelSideFile } from '../train/export';

export function writeFolderAtomically(target: string, force: boolean, fill: (temporary: string) => void): void {
  const out = resolve(target);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UserError(`${out}: exists and is not a folder`, 'bad-file');
    if (readdirSync(out).length > 0 && !force) throw new UserError(`${out}: folder is not empty (use --force to replace it)`, 'output-not-empty');
  }
  mkdirSync(dirname(out), { recursive: true });
  replaceFolder(out, fill, { hidden: true });
}

/** Copies config, tokenizer, chat template and generation config files (not the weights) from a model folder. */
export function copyModelSideFiles(from: string, to: string, skip: ReadonlySet<string> = new Set()): string[] {
  const copied: string[] = [];
  for (const name of readdirSync(from)) {
    if (!isModelSideFile(name) || skip.has(name) || !statSync(join(from, name)).isFile()) continue;
    copyFileSync(join(from, name), join(to, name));
    copied.push(name);
  }
  return copied;
}
