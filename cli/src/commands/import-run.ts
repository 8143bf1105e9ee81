// `finetune import-run`: an engine's output folder (TRL, Axolotl, LLaMA-Factory: trainer_state.json + a PEFT adapter
// or a model) as one of our run folders (engine/src/recipes/import-run.ts).
import { importRun } from '../../../engine/src/recipes/import-run';
import type { Command } from '../command';
import { parseCommandFlags } from '../parse-flags';
import { UserError } from '../../../contracts/src/user-error';

const HELP = `usage: finetune import-run --from OUTPUT_DIR --out RUN_DIR [--model DIR] [--force]

Reads what a Hugging Face Trainer-based engine wrote (trainer_state.json of the last checkpoint, the PEFT adapter or
the full model) into a run folder every finetune command and the VS Code views accept.
  --from OUTPUT_DIR  the engine's output_dir (e.g. output/ in an exported recipe folder)
  --out RUN_DIR      the run folder to create
  --model DIR        the base model folder (default: the recipe's model, else the adapter's base_model_name_or_path)
  --force            replace a run already in RUN_DIR`;

export const command: Command = {
  summary: 'import a TRL/Axolotl/LLaMA-Factory output folder as a run',
  async run(argv) {
    const flags = parseCommandFlags(argv, HELP, {
      options: {
        from: { type: 'string' },
        out: { type: 'string' },
        model: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
    });
    if (!flags) return 0;
    const { values } = flags;
    if (!values.from) throw new UserError('--from OUTPUT_DIR is required', 'bad-flag');
    if (!values.out) throw new UserError('--out RUN_DIR is required', 'bad-flag');
    const result = importRun({ from: values.from, out: values.out, model: values.model, force: values.force });
    console.log(`imported ${result.steps} step and ${result.evals} eval events (${result.trainerState}) and ${result.output}/ into ${result.out} (base model ${result.model})`);
    return 0;
  },
};
