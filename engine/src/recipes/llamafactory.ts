// LLaMA-Factory: `llamafactory.yaml` for `llamafactory-cli train llamafactory.yaml` and `data/dataset_info.json`
// describing the data, keys from LLaMA-Factory's hparams dataclasses (src/llamafactory/hparams/data_args.py:
// template, dataset, eval_dataset, dataset_dir, cutoff_len, mask_history; finetuning_args.py; model_args.py) and
// data/README.md — not run here, LLaMA-Factory is not installed on this machine. Data: the prompt/completion
// records as ShareGPT-style message lists with mask_history, so only the last (trained) assistant turn carries the
// loss, its end-of-turn token included. A `--objective dpo` run: `stage: dpo` with `pref_beta` and the sigmoid
// `pref_loss`, its pairs as data/README.md's preference form (ShareGPT with `ranking: true`): the prompt's messages,
// then the chosen and the rejected answer message.
import { deepSpeedFiles, slurmScript } from './deepspeed-launch';
import { adamWFields } from './optimizer-fields';
import { jsonl, type RecipeFile } from './recipe-files';
import { singleAnswers, type RecipeDataset, type RecipeRecord } from './recipe-dataset';
import type { RecipeRun } from './recipe-run';
import { toYaml, type YamlValue } from './yaml';
import { loadChatTokenizer } from '../../../tokenizer/src/tokenizer';

const TRAIN = 'finetune_train';
const EVAL = 'finetune_eval';

/**
 * LLaMA-Factory formats conversations with its own templates, not the tokenizer's: the one whose markers the
 * model's chat template uses (ChatML, Llama 3, Gemma, Mistral), else `default`, which the README says to check.
 */
export function llamaFactoryTemplate(chatTemplate: string): string {
  if (chatTemplate.includes('<|im_start|>')) return 'chatml';
  if (chatTemplate.includes('<|start_header_id|>')) return 'llama3';
  if (chatTemplate.includes('<start_of_turn>')) return 'gemma';
  if (chatTemplate.includes('[INST]')) return 'mistral';
  return 'default';
}

function chatTemplateOf(modelDir: string): string {
  try {
    return loadChatTokenizer(modelDir).chatTemplate.text;
  } catch {
    return '';
  }
}

function record(entry: RecipeRecord): Record<string, unknown> {
  switch (entry.kind) {
    case 'chat':
      return { messages: [...entry.prompt, ...entry.completion] };
    case 'pair':
      return { messages: entry.prompt, ...singleAnswers(entry, 'LLaMA-Factory') };
    case 'text':
      return { text: entry.text };
  }
}

const TAGS = { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system', observation_tag: 'tool' };

function datasetInfo(dataset: RecipeDataset): Record<string, unknown> {
  const describe = (file: string) => {
    switch (dataset.kind) {
      case 'chat':
        return { file_name: file, formatting: 'sharegpt', columns: { messages: 'messages' }, tags: TAGS };
      case 'preference':
        return { file_name: file, formatting: 'sharegpt', ranking: true, columns: { messages: 'messages', chosen: 'chosen', rejected: 'rejected' }, tags: TAGS };
      case 'text':
        return { file_name: file, columns: { prompt: 'text' } };
    }
  };
  return { [TRAIN]: describe('train.jsonl'), ...(dataset.eval.length > 0 ? { [EVAL]: describe('test.jsonl') } : {}) };
}

export function llamaFactoryConfig(run: RecipeRun, dataset: RecipeDataset, gpus: number, template: string): Record<string, YamlValue | undefined> {
  const { args } = run;
  const hasEval = dataset.eval.length > 0;
  const dpo = dataset.kind === 'preference';
  const method: Record<string, YamlValue | undefined> =
    args.method === 'full'
      ? { finetuning_type: 'full' }
      : {
          finetuning_type: 'lora',
          lora_rank: args.rank,
          lora_alpha: Math.round(args.alpha),
          lora_dropout: args.dropout,
          lora_target: args.targetModules.join(','),
          use_rslora: args.rslora,
          quantization_bit: args.method === 'qlora' ? 4 : undefined,
          quantization_method: args.method === 'qlora' ? 'bitsandbytes' : undefined,
          quantization_type: args.method === 'qlora' ? 'nf4' : undefined,
        };
  return {
    model_name_or_path: run.baseModel,
    stage: dpo ? 'dpo' : dataset.kind === 'chat' ? 'sft' : 'pt',
    do_train: true,
    ...method,
    // the reference: the base with the adapter off (LoRA), a frozen copy of the starting weights (full)
    pref_beta: dpo ? args.beta : undefined,
    pref_loss: dpo ? 'sigmoid' : undefined,
    dataset: TRAIN,
    eval_dataset: hasEval ? EVAL : undefined,
    dataset_dir: 'data',
    template,
    cutoff_len: args.maxSeqLen,
    // neat_packing keeps each packed example's attention to itself, as our --packing does.
    packing: args.packing ? true : undefined,
    neat_packing: args.packing ? true : undefined,
    mask_history: dataset.kind === 'chat' ? true : undefined,
    output_dir: 'output',
    overwrite_output_dir: true,
    logging_steps: args.logEvery,
    save_steps: args.saveEvery > 0 ? args.saveEvery : (run.totalSteps ?? 500),
    per_device_train_batch_size: args.batchSize,
    per_device_eval_batch_size: args.batchSize,
    gradient_accumulation_steps: args.gradAccumulation,
    // LLaMA-Factory checkpoints unless told not to: follow the run
    disable_gradient_checkpointing: !args.gradientCheckpointing,
    learning_rate: run.learningRate,
    max_steps: args.steps,
    num_train_epochs: args.steps === undefined ? args.epochs : undefined,
    lr_scheduler_type: 'cosine_with_min_lr',
    lr_scheduler_kwargs: { min_lr_rate: args.minLrRatio },
    warmup_steps: run.warmupSteps ?? 0,
    optim: 'adamw_torch',
    ...adamWFields(args),
    bf16: true,
    eval_strategy: hasEval ? 'steps' : undefined,
    eval_steps: hasEval ? (args.evalEvery > 0 ? args.evalEvery : run.totalSteps) : undefined,
    deepspeed: gpus > 1 ? 'deepspeed/zero3.json' : undefined,
    report_to: 'none',
  };
}

export function llamaFactoryFiles(run: RecipeRun, dataset: RecipeDataset, gpus: number, nodes: number): RecipeFile[] {
  const template = llamaFactoryTemplate(chatTemplateOf(run.args.model));
  const files: RecipeFile[] = [
    {
      path: 'llamafactory.yaml',
      content: toYaml(llamaFactoryConfig(run, dataset, gpus, template), [`LLaMA-Factory recipe exported by Fine-Tune Studio from ${run.source}.`, 'Run from this folder: llamafactory-cli train llamafactory.yaml   (FORCE_TORCHRUN=1 for every GPU; slurm.sbatch for several nodes).', `template: ${template} was chosen from the model's chat template markers${template === 'default' ? ' (no known marker: pick the model family\'s template)' : ''}.`]),
      what: `\`llamafactory-cli train llamafactory.yaml\`: the run as a LLaMA-Factory config (template \`${template}\`)`,
    },
    { path: 'data/dataset_info.json', content: `${JSON.stringify(datasetInfo(dataset), null, 2)}\n`, what: `LLaMA-Factory's description of the two datasets (ShareGPT-style message lists${dataset.kind === 'preference' ? ', ranking: chosen and rejected answers' : ''})` },
    {
      path: 'data/train.jsonl',
      content: jsonl(dataset.train.map(record)),
      what: dataset.kind === 'preference' ? `training pairs (${dataset.train.length}): the prompt's messages, the chosen and the rejected answer` : `training records (${dataset.train.length}): one per trained assistant turn, the conversation before it as history`,
    },
  ];
  if (dataset.eval.length > 0) files.push({ path: 'data/test.jsonl', content: jsonl(dataset.eval.map(record)), what: 'the run\'s eval set' });
  files.push(...deepSpeedFiles());
  files.push(slurmScript(gpus, nodes, 'llamafactory', 'env FORCE_TORCHRUN=1 llamafactory-cli train llamafactory.yaml'));
  return files;
}
