import type { RecipeFile } from './recipe-files';
import type { RecipeDataset } from './recipe-dataset';
import type { RecipeRun } from './recipe-run';

export function llamaFactoryFiles(_run: RecipeRun, _dataset: RecipeDataset, _gpus: number, _nodes: number): RecipeFile[] {
  return [];
}
