// `finetune export-recipe`: a run as a recipe for TRL, Axolotl or LLaMA-Factory on a multi-GPU node or a cluster
// (engine/src/recipes).
import { exportRecipe } from '../../../engine/src/recipes/export-recipe';
import { RECIPE_FORMATS, readRecipeRun, type RecipeFormat } from '../../../engine/src/recipes/recipe-run';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune export-recipe (--run RUN_DIR | --config FILE) --format trl|axolotl|llamafactory --out DIR
                              [--gpus N] [--nodes M] [--base-model ID] [--force]

Writes the run — data, method, hyperparameters — as a recipe another engine runs on more GPUs.
  --run RUN_DIR      a run folder (its run.json)
  --config FILE      a run configuration (finetune.run.json), resolved as \`finetune train --config\` does
  --format F         trl: sft.yaml for \`trl sft --config sft.yaml\` (a --objective dpo run: dpo.yaml for \`trl dpo\`)
                     + Accelerate/DeepSpeed/FSDP configs, launch.sh, slurm.sbatch; axolotl: axolotl.yaml (rl: dpo
                     for dpo); llamafactory: llamafactory.yaml + dataset_info.json (stage: dpo for dpo)
  --out DIR          the recipe folder (must be empty or absent unless --force)
  --gpus N           GPUs per node for the launch files (default 8)
  --nodes M          nodes for slurm.sbatch (default 1)
  --base-model ID    how the recipe names the base model (default: the Hub id it was downloaded from, else its path)
  --force            write into a non-empty --out`;

export const command: Command = {
  summary: 'export a run as a TRL, Axolotl or LLaMA-Factory recipe for multi-GPU and cluster training',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        run: { type: 'string' },
        config: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        gpus: { type: 'string', default: '8' },
        nodes: { type: 'string', default: '1' },
        'base-model': { type: 'string' },
        force: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (!values.format || !(RECIPE_FORMATS as readonly string[]).includes(values.format)) throw new UserError(`--format: expected ${RECIPE_FORMATS.join(', ')}${values.format ? `, got '${values.format}'` : ''}`, 'bad-flag');
    if (!values.out) throw new UserError('--out DIR is required', 'bad-flag');
    const run = readRecipeRun({ run: values.run, config: values.config, baseModel: values['base-model'] });
    const result = await exportRecipe(run, { format: values.format as RecipeFormat, out: values.out, gpus: Number(values.gpus), nodes: Number(values.nodes), force: values.force });
    const { alignment } = result.dataset;
    console.log(`wrote ${result.out}: ${result.files.join(', ')}`);
    const unit = result.dataset.kind === 'preference' ? 'preference pairs' : 'records';
    console.log(`data: ${result.dataset.train.length} train / ${result.dataset.eval.length} eval ${unit}`);
    if (result.dataset.kind === 'preference' && result.dataset.skippedRecords > 0) console.log(`${result.dataset.skippedRecords} pairs left out: the run skipped them too (a side without answer tokens within --max-seq-len)`);
    if (result.dataset.kind === 'chat') {
      const extra = alignment.plusTrailingWhitespace > 0 ? `, ${alignment.plusTrailingWhitespace} plus the template's ${JSON.stringify(alignment.trailingText)} after end-of-turn` : '';
      const different = alignment.different > 0 ? `, ${alignment.different} DIFFERENT (lines ${alignment.differentLines.join(', ')})` : '';
      console.log(`loss tokens: ${alignment.exact} records exactly the run's${extra}${different}`);
    }
    console.log(`see ${result.out}/README.md`);
    return 0;
  },
};
