// The README written into a recipe folder: what each file is, how to run it, how to bring the result back, and how
// far the recipe matches the run (loss tokens, schedule, precision).
import type { RecipeFile } from './recipe-files';
import type { RecipeDataset } from './recipe-dataset';
import type { RecipeFormat, RecipeRun } from './recipe-run';
import { trlScript } from './trl';

const HOW_TO_RUN: Record<RecipeFormat, string[]> = {
  trl: [
    'pip install "trl>=1.13" peft accelerate datasets   # + deepspeed for zero2/zero3, bitsandbytes for QLoRA',
    './launch.sh zero3                                  # one node, every GPU (ddp | zero2 | zero3 | fsdp)',
    'sbatch slurm.sbatch                                # several nodes under Slurm',
  ],
  axolotl: [
    'pip install axolotl   # see https://docs.axolotl.ai for CUDA builds',
    'axolotl train axolotl.yaml                         # one node, every GPU (axolotl launches accelerate)',
    'sbatch slurm.sbatch                                # several nodes under Slurm',
  ],
  llamafactory: [
    'pip install llamafactory   # see https://llamafactory.readthedocs.io',
    'llamafactory-cli train llamafactory.yaml           # one node, every GPU (FORCE_TORCHRUN=1 for several)',
    'sbatch slurm.sbatch                                # several nodes under Slurm',
  ],
};

function howToRun(format: RecipeFormat, run: RecipeRun): string[] {
  if (format !== 'trl') return HOW_TO_RUN[format];
  const { command, config } = trlScript(run);
  // `trl sft --config sft.yaml` or `trl dpo --config dpo.yaml`, comments aligned
  return [HOW_TO_RUN.trl[0], `${`trl ${command} --config ${config}`.padEnd(51)}# one process (one GPU, or the CPU)`, ...HOW_TO_RUN.trl.slice(1)];
}

const OUTPUT_FOLDER: Record<RecipeFormat, string> = { trl: 'output', axolotl: 'output', llamafactory: 'output' };

/** How each engine's DPO matches ours (TRL semantics: trl/trainer/dpo_trainer.py). */
function preferenceNote(format: RecipeFormat, run: RecipeRun, dataset: RecipeDataset): string[] {
  const { args } = run;
  const reference = args.method === 'full' ? 'a frozen copy of the starting weights' : 'the base with the adapter off';
  const lines = [
    `- Loss: DPO's sigmoid loss with β ${args.beta}, averaged over pairs; the reference model is ${reference}, as in the run`,
    "  (so the first step's loss is ln 2 ≈ 0.693). Each side's log-probability sums the tokens the chat template of",
    '  prompt + answer adds after the prompt rendered with its generation prompt.',
  ];
  if (format === 'trl') {
    lines.push("  The pairs are TRL's conversational prompt/chosen/rejected message lists, which DPOTrainer tokenizes exactly so.");
    if (args.method !== 'full' && args.dropout > 0) lines.push(`  disable_dropout: false keeps the run's LoRA dropout (${args.dropout}); DPOConfig turns dropout off by default.`);
  } else if (format === 'axolotl') {
    lines.push("  Axolotl's chat_template.default renders each answer itself (the template's text from the answer to its end-of-turn", '  marker, trailing whitespace dropped): on ChatML the "\\n" after <|im_end|> is not scored, where the run scores it.');
  } else {
    lines.push("  LLaMA-Factory renders with its own template (see the config's header), not the tokenizer's: check it matches.");
  }
  const skipped = dataset.skippedRecords > 0 ? `${dataset.skippedRecords} pairs the run skipped (a side without answer tokens within max length) are left out` : 'no pair was skipped';
  const truncated = dataset.truncatedSides ? ` (${dataset.truncatedSides} sides here)` : '';
  if (format === 'trl') lines.push(`  Sides longer than max length ${args.maxSeqLen} are cut from the end as in the run${truncated}; ${skipped}.`);
  else lines.push(`  Sides longer than max length ${args.maxSeqLen}${truncated} are cut by the engine's own rule (the run cuts each side from the end); ${skipped}.`);
  return lines;
}

function lossNote(format: RecipeFormat, run: RecipeRun, dataset: RecipeDataset): string[] {
  if (dataset.kind === 'preference') return preferenceNote(format, run, dataset);
  if (dataset.kind === 'text') return ['- Loss: every token of each text record, as in the run (plain language modelling).'];
  if (format === 'axolotl') {
    return [
      '- Loss: whole conversations with each message\'s `training` flag set as the run trained it (assistant turns, or',
      '  what per-message weight/train chose), and `train_on_eos: turn` trains each trained turn\'s end-of-turn token.',
    ];
  }
  const { exact, plusTrailingWhitespace, different, differentLines, trailingText } = dataset.alignment;
  const total = exact + plusTrailingWhitespace + different;
  const lines = [
    '- Loss: each trained assistant turn is one prompt/completion record (the prompt is the conversation before it),',
    `  so the ${format === 'trl' ? 'completion-only loss' : 'loss (mask_history: the last turn only)'} covers the assistant tokens and their end-of-turn token, as in the run.`,
    `  Checked against this model's chat template when exporting, of ${total} records: ${exact} train exactly the run's tokens`,
  ];
  if (plusTrailingWhitespace > 0) lines.push(`  and ${plusTrailingWhitespace} also train the template's ${JSON.stringify(trailingText)} after the end-of-turn token (the engines train the completion to the end of the text).`);
  if (different > 0) lines.push(`  ${different} differ (lines ${differentLines.join(', ')}): the template rewrites earlier turns, so those records' prompts do not match the run's.`);
  if (dataset.droppedTurns > 0) lines.push(`  ${dataset.droppedTurns} assistant turns past max length were never trained in the run and are left out.`);
  if (format === 'llamafactory') lines.push('  LLaMA-Factory renders with its own template (see the config\'s header), not the tokenizer\'s: check it matches.');
  return lines;
}

export function recipeReadme(format: RecipeFormat, run: RecipeRun, dataset: RecipeDataset, files: readonly RecipeFile[], gpus: number, nodes: number): string {
  const { args } = run;
  const method = (args.method === 'full' ? 'full fine-tuning' : `${args.method === 'qlora' ? 'QLoRA (base in bitsandbytes NF4) + ' : ''}LoRA r=${args.rank}, alpha=${args.alpha}, dropout=${args.dropout}, targets ${args.targetModules.join(', ')}${args.rslora ? ', rsLoRA' : ''}`) + (args.objective === 'dpo' ? `, DPO (β ${args.beta})` : '');
  const unit = dataset.kind === 'preference' ? 'preference pairs' : 'records';
  return [
    `# ${format === 'trl' ? 'TRL' : format === 'axolotl' ? 'Axolotl' : 'LLaMA-Factory'} recipe`,
    '',
    `Exported by Fine-Tune Studio (\`finetune export-recipe\`) from \`${run.source}\`: ${method} of \`${run.baseModel}\`,`,
    `${dataset.train.length} training ${unit}${dataset.eval.length > 0 ? ` and ${dataset.eval.length} eval ${unit}` : ''}, for ${nodes} node${nodes > 1 ? 's' : ''} × ${gpus} GPU${gpus > 1 ? 's' : ''}.`,
    '',
    '## Run it',
    '',
    'From this folder:',
    '',
    '```sh',
    ...howToRun(format, run),
    '```',
    '',
    '## Bring the result back',
    '',
    '```sh',
    `npx finetune import-run --from ${OUTPUT_FOLDER[format]} --out runs/imported`,
    '```',
    '',
    `or **Fine-Tune: Import Run…** in VS Code: the loss curve${args.objective === 'dpo' ? ' (and the rewards, margin and accuracy)' : ''} shows in the dashboard and the adapter in preview, compare,`,
    'the playground and export, as for a local run.',
    '',
    '## Files',
    '',
    '| file | what |',
    '| --- | --- |',
    ...files.map((file) => `| \`${file.path}\` | ${file.what} |`),
    '| `README.md` | this file |',
    '| `finetune-recipe.json` | the run\'s resolved arguments, for `finetune import-run` |',
    '',
    '## How closely it repeats the run',
    '',
    ...lossNote(format, run, dataset),
    `- Hyperparameters: learning rate ${run.learningRate}, warmup ${run.warmupSteps ?? 0} steps then cosine to ${args.minLrRatio} × the peak`,
    `  (the engines' cosine_with_min_lr counts steps from 0, ours from 1: the curves agree to one step), ${args.steps !== undefined ? `${args.steps} steps` : `${args.epochs} epochs`},`,
    `  batch ${args.batchSize} × accumulation ${args.gradAccumulation}, max length ${args.maxSeqLen} (longer records truncated at the end), seed ${args.seed},`,
    `  AdamW (β ${args.beta1}/${args.beta2}, ε ${args.adamEpsilon}, weight decay ${args.weightDecay}), gradient clipping at ${args.maxGradNorm}.`,
    '- Precision: the single-process config trains in float32 like the run; the launch files switch to bf16 for GPUs.',
    '- Not the same: random initialisation and data order (different generators), so curves agree in shape, not bit for bit.',
    ...(args.method === 'qlora' && args.quantType === 'int4' ? ['- The run quantised the base to int4 blocks; bitsandbytes has no int4 blocks, so the recipe uses NF4.'] : []),
    ...(args.method !== 'full' && !Number.isInteger(args.alpha) ? [`- LoRA alpha ${args.alpha} is written as ${Math.round(args.alpha)}: the engines take an integer.`] : []),
    '',
  ].join('\n');
}
