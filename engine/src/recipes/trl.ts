// TRL: `sft.yaml` for `trl sft --config sft.yaml` (TRL 1.13's TrlParser over ScriptArguments, SFTConfig,
// ModelConfig and DatasetMixtureConfig: trl/scripts/sft.py) and the data as conversational prompt/completion
// JSONL, which SFTConfig's completion_only_loss trains on the completion only (trl/trainer/sft_trainer.py
// tokenize_fn: the prompt rendered with add_generation_prompt=True, the loss on what prompt + completion adds).
import { adamWFields } from './optimizer-fields';
import { jsonl, type RecipeFile } from './recipe-files';
import type { RecipeDataset, RecipeRecord } from './recipe-dataset';
import type { RecipeRun } from './recipe-run';
import { toYaml, type YamlValue } from './yaml';

/** `datasets.load_dataset("data")` on a folder maps train.jsonl and test.jsonl to the train and test splits. */
export const TRL_DATA_FOLDER = 'data';

function trlRecord(record: RecipeRecord): Record<string, unknown> {
  return record.kind === 'chat' ? { prompt: record.prompt, completion: record.completion } : { text: record.text };
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

/** Fields of sft.yaml in the order a reader looks for them. */
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
    completion_only_loss: dataset.kind === 'chat' ? true : undefined,
    // TRL's default chunked_nll refuses an lm_head wrapped by LoRA; nll is the same loss (token mean), unchunked.
    loss_type: args.method !== 'full' && args.targetModules.some((name) => name === 'lm_head' || name.endsWith('.lm_head')) ? 'nll' : undefined,
    max_length: args.maxSeqLen,
    truncation_mode: 'keep_start',
    packing: args.packing,
    learning_rate: run.learningRate,
    lr_scheduler_type: 'cosine_with_min_lr',
    lr_scheduler_kwargs: { min_lr_rate: args.minLrRatio },
    warmup_steps: run.warmupSteps ?? 0,
    max_steps: args.steps,
    num_train_epochs: args.steps === undefined ? args.epochs : undefined,
    per_device_train_batch_size: args.batchSize,
    per_device_eval_batch_size: args.batchSize,
    gradient_accumulation_steps: args.gradAccumulation,
    // SFTConfig checkpoints by default: follow the run (the same loss either way; memory against speed)
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

export function trlFiles(run: RecipeRun, dataset: RecipeDataset): RecipeFile[] {
  const files: RecipeFile[] = [
    {
      path: 'sft.yaml',
      content: toYaml(trlConfig(run, dataset), [
        `TRL SFT recipe exported by Fine-Tune Studio from ${run.source}.`,
        'Run from this folder: trl sft --config sft.yaml   (one process; launch.sh and slurm.sbatch for more GPUs).',
        'Field names are TRL 1.13\'s ScriptArguments, SFTConfig and ModelConfig.',
      ]),
      what: '`trl sft --config sft.yaml` runs the run as TRL\'s SFTTrainer (model, method, hyperparameters, data)',
    },
    { path: `${TRL_DATA_FOLDER}/train.jsonl`, content: jsonl(dataset.train.map(trlRecord)), what: `training records (${dataset.train.length}) in TRL's ${dataset.kind === 'chat' ? 'conversational prompt/completion' : 'language-modelling text'} form` },
  ];
  if (dataset.eval.length > 0) files.push({ path: `${TRL_DATA_FOLDER}/test.jsonl`, content: jsonl(dataset.eval.map(trlRecord)), what: `eval records (${dataset.eval.length}), the run's eval set` });
  return files;
}
