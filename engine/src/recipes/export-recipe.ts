// `finetune export-recipe`: a run (or a run configuration) as a folder another engine runs on a multi-GPU node or a
// cluster — the data converted so the same tokens carry the loss, the engine's config, launch files and a README.
// One writer per format (trl.ts, axolotl.ts, llamafactory.ts); this file picks one and writes its files.
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../../../contracts/src/user-error';
import { launchFiles } from './accelerate-launch';
import { axolotlFiles } from './axolotl';
import { llamaFactoryFiles } from './llamafactory';
import { buildRecipeDataset, type RecipeDataset } from './recipe-dataset';
import type { RecipeFile } from './recipe-files';
import { recipeReadme } from './recipe-readme';
import type { RecipeFormat, RecipeRun } from './recipe-run';
import { trlFiles } from './trl';

/** Written into every recipe folder: what `finetune import-run` needs to rebuild run.json (model, method, data). */
export const RECIPE_MANIFEST = 'finetune-recipe.json';

export interface RecipeManifest {
  version: 1;
  format: RecipeFormat;
  baseModel: string;
  /** The exported run's resolved arguments (`finetune train --config` reads them). */
  config: Record<string, unknown>;
  source: string;
}

export interface ExportRecipeOptions {
  format: RecipeFormat;
  out: string;
  gpus: number;
  nodes: number;
  force?: boolean;
}

export interface ExportRecipeResult {
  out: string;
  files: string[];
  dataset: RecipeDataset;
}

export function recipeFiles(format: RecipeFormat, run: RecipeRun, dataset: RecipeDataset, gpus: number, nodes: number): RecipeFile[] {
  switch (format) {
    case 'trl':
      return [...trlFiles(run, dataset), ...launchFiles(run, gpus, nodes)];
    case 'axolotl':
      return axolotlFiles(run, dataset, gpus, nodes);
    case 'llamafactory':
      return llamaFactoryFiles(run, dataset, gpus, nodes);
  }
}

export async function exportRecipe(run: RecipeRun, options: ExportRecipeOptions): Promise<ExportRecipeResult> {
  if (!Number.isInteger(options.gpus) || options.gpus < 1) throw new UserError('--gpus must be a whole number ≥ 1', 'bad-flag');
  if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new UserError('--nodes must be a whole number ≥ 1', 'bad-flag');
  const out = resolve(options.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !options.force) throw new UserError(`${options.out} is not empty (pass --force to write into it)`, 'output-not-empty');
  const dataset = await buildRecipeDataset(run.args);
  if (dataset.train.length === 0) throw new UserError(`${run.args.data}: no record keeps a trained token within --max-seq-len ${run.args.maxSeqLen}`, 'dataset');
  const files = recipeFiles(options.format, run, dataset, options.gpus, options.nodes);
  const manifest: RecipeManifest = { version: 1, format: options.format, baseModel: run.baseModel, config: { ...run.args }, source: run.source };
  const all: RecipeFile[] = [
    ...files,
    { path: 'README.md', content: recipeReadme(options.format, run, dataset, files, options.gpus, options.nodes), what: 'this file' },
    { path: RECIPE_MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n`, what: 'the run\'s resolved arguments' },
  ];
  for (const file of all) {
    const path = join(out, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    if (file.executable) chmodSync(path, 0o755);
  }
  return { out, files: all.map((file) => file.path), dataset };
}
