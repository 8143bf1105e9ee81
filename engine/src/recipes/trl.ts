// TRL: `sft.yaml` for `trl sft --config sft.yaml` (TRL 1.13's TrlParser over ScriptArguments, SFTConfig,
// ModelConfig and DatasetMixtureConfig: trl/scripts/sft.py) and the data as conversational prompt/completion
// JSONL, which SFTConfig's completion_only_loss trains on the completion only (trl/trainer/sft_trainer.py
// tokenize_fn: the prompt rendered with add_generation_prompt=True, the loss on what prompt + completion adds).
// A `--objective dpo` run becomes `dpo.yaml` for `trl dpo --config dpo.yaml` (trl/scripts/dpo.py: ScriptArguments,
// DPOConfig, ModelConfig) with the pairs in TRL's conversational explicit-prompt form, prompt/chosen/rejected message
// lists — the semantics our trainer copies (trl/trainer/dpo_trainer.py tokenize_fn: each side's completion is what
// the template of prompt + answer adds to the prompt's with add_generation_prompt=True).
import { adamWFields } from './optimizer-fields';
import { jsonl, type RecipeFile } from './recipe-files';
import type { RecipeDataset, RecipeRecord } from './recipe-dataset';
import type { RecipeRun } from './recipe-run';
import { toYaml, type YamlValue } from './yaml';

/** `datasets.load_dataset("data")` on a folder maps train.jsonl and test.jsonl to the train and test splits. */
export const TRL_DATA_FOLDER = 'data';

function trlRecord(record: RecipeRecord): Record<string, unknown> {
  switch (record.kind) {
    case 'chat':
      return { prompt: record.prompt, completion: record.completion };
    case 'pair':
      return { prompt: record.prompt, chosen: record.chosen, rejected: record.rejected };
    case 'text':
      return { text: record.text };
  }
}

/** The `trl` subcommand and its config file: `trl sft --config sft.yaml`, or `trl dpo --config dpo.yaml` for a dpo run. */
export function trlScript(run: RecipeRun): { command: 'sft' | 'dpo'; config: string } {
  return run.args.objective === 'dpo' ? { command: 'dpo', config: 'dpo.yaml' } : { command: 'sft', config: 'sft.yaml' };
}

/** The method's ModelConfig fields: LoRA through PEFT, QLoRA as bitsandbytes NF4 under it, full with none. */
function methodFields(run: RecipeRun): Record<string, YamlValue> {
  const { args } = run;
  if (args.method === 'full') return { use_peft: false };
  const lora: Record<string, YamlValue> = {
    use_peft: true,
    lora_r: args.rank,
    // ModelConfig.lora_alpha is an int: a fractional alpha is rounded (the README says so).
    lora_alpha: Math.round(args.alpha),
    lora_dropout: args.dropout,
    lora_target_modules: [...args.targetModules],
    use_rslora: args.rslora,
  };
  if (args.method === 'qlora') {
    // bitsandbytes has NF4 and FP4, no int4 blocks: NF4 is the nearest to either of our formats.
    Object.assign(lora, { load_in_4bit: true, bnb_4bit_quant_type: 'nf4' });
  }
  return lora;
}

/**
 * DPOConfig's fields for a dpo run: β and the sigmoid loss (TRL's defaults, written so the recipe says them), each
 * side cut at max_length from the start as our trainer cuts it. The reference model is TRL's default, as ours: the
 * base with the adapter off (LoRA, QLoRA) or a frozen copy of the starting weights (full). DPOConfig turns dropout off
 * (disable_dropout) unless told otherwise: a run with LoRA dropout keeps it.
 */
function dpoFields(run: RecipeRun): Record<string, YamlValue | undefined> {
  const { args } = run;
  const loraDropout = args.method !== 'full' && args.dropout > 0;
  return {
    beta: args.beta,
    loss_type: ['sigmoid'],
    max_length: args.maxSeqLen,
    truncation_mode: 'keep_start',
    disable_dropout: loraDropout ? false : undefined,
  };
}

/** The SFTConfig fields that say which tokens carry the loss and how sequences are cut and packed. */
function sftFields(run: RecipeRun, dataset: RecipeDataset): Record<string, YamlValue | undefined> {
  const { args } = run;
  return {
    completion_only_loss: dataset.kind === 'chat' ? true : undefined,
    // TRL's default chunked_nll refuses an lm_head wrapped by LoRA; nll is the same loss (token mean), unchunked.
    loss_type: args.method !== 'full' && args.targetModules.some((name) => name === 'lm_head' || name.endsWith('.lm_head')) ? 'nll' : undefined,
    max_length: args.maxSeqLen,
    truncation_mode: 'keep_start',
    packing: args.packing,
  };
}

/** Fields of sft.yaml (dpo.yaml for a dpo run) in the order a reader looks for them. */
export function trlConfig(run: RecipeRun, dataset: RecipeDataset): Record<string, YamlValue | undefined> {
  const { args } = run;
  const hasEval = dataset.eval.length > 0;
  const evalSteps = args.evalEvery > 0 ? args.evalEvery : run.totalSteps;
  return {
    model_name_or_path: run.baseModel,
    // QLoRA computes in bfloat16 (bnb_4bit_compute_dtype follows dtype); otherwise float32 like our run.
    dtype: args.method === 'qlora' ? 'bfloat16' : 'float32',
    dataset_name: TRL_DATA_FOLDER,
    dataset_train_split: 'train',
    dataset_test_split: 'test',
    ...methodFields(run),
    ...(args.objective === 'dpo' ? dpoFields(run) : sftFields(run, dataset)),
    learning_rate: run.learningRate,
    lr_scheduler_type: 'cosine_with_min_lr',
    lr_scheduler_kwargs: { min_lr_rate: args.minLrRatio },
    warmup_steps: run.warmupSteps ?? 0,
    max_steps: args.steps,
    num_train_epochs: args.steps === undefined ? args.epochs : undefined,
    per_device_train_batch_size: args.batchSize,
    per_device_eval_batch_size: args.batchSize,
    gradient_accumulation_steps: args.gradAccumulation,
    // SFTConfig and DPOConfig checkpoint by default: follow the run (the same loss either way; memory against speed)
    gradient_checkpointing: args.gradientCheckpointing,
    optim: 'adamw_torch',
    ...adamWFields(args),
    // Full precision like our run; the launch scripts turn bf16 on for GPUs.
    bf16: false,
    logging_steps: args.logEvery,
    eval_strategy: hasEval ? (evalSteps ? 'steps' : 'epoch') : 'no',
    eval_steps: hasEval && evalSteps ? evalSteps : undefined,
    // A checkpoint (with trainer_state.json, which `finetune import-run` reads) every save_steps and at the end.
    save_strategy: 'steps',
    save_steps: args.saveEvery > 0 ? args.saveEvery : (run.totalSteps ?? 500),
    save_total_limit: 2,
    output_dir: 'output',
    report_to: 'none',
  };
}

const DATA_FORM: Record<RecipeDataset['kind'], string> = {
  chat: 'conversational prompt/completion',
  text: 'language-modelling text',
  preference: 'conversational preference (prompt/chosen/rejected message lists)',
};

export function trlFiles(run: RecipeRun, dataset: RecipeDataset): RecipeFile[] {
  const { command, config } = trlScript(run);
  const trainer = command === 'dpo' ? 'DPO' : 'SFT';
  const files: RecipeFile[] = [
    {
      path: config,
      content: toYaml(trlConfig(run, dataset), [
        `TRL ${trainer} recipe exported by Fine-Tune Studio from ${run.source}.`,
        `Run from this folder: trl ${command} --config ${config}   (one process; launch.sh and slurm.sbatch for more GPUs).`,
        `Field names are TRL 1.13's ScriptArguments, ${trainer}Config and ModelConfig.`,
      ]),
      what: `\`trl ${command} --config ${config}\` runs the run as TRL's ${trainer}Trainer (model, method, hyperparameters, data)`,
    },
    { path: `${TRL_DATA_FOLDER}/train.jsonl`, content: jsonl(dataset.train.map(trlRecord)), what: `training ${dataset.kind === 'preference' ? 'pairs' : 'records'} (${dataset.train.length}) in TRL's ${DATA_FORM[dataset.kind]} form` },
  ];
  if (dataset.eval.length > 0) files.push({ path: `${TRL_DATA_FOLDER}/test.jsonl`, content: jsonl(dataset.eval.map(trlRecord)), what: `eval ${dataset.kind === 'preference' ? 'pairs' : 'records'} (${dataset.eval.length}), the run's eval set` });
  return files;
}
