// The run folders under a root (the workspace's .finetune/runs/): folders holding run.json or metrics.jsonl.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runFolderPath } from '../../../contracts/src/run/run-folder-layout';

/** Folders under root that look like runs, newest first (by their run.json's or metrics.jsonl's time). */
export function listRunDirectories(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const runs: { dir: string; time: number }[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const marker = [runFolderPath(dir, 'info'), runFolderPath(dir, 'metrics')].find((file) => existsSync(file));
    if (marker) runs.push({ dir, time: statSync(marker).mtimeMs });
  }
  return runs.sort((a, b) => b.time - a.time).map((run) => run.dir);
}
