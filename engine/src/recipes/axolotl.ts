// Axolotl: `axolotl.yaml` for `axolotl train axolotl.yaml`, keys from Axolotl's config reference and pydantic schemas
// (src/axolotl/utils/schemas/{datasets,peft}.py; docs.axolotl.ai/docs/config-reference.html) — not run here, Axolotl
// is not installed on this machine. Data: whole conversations in `chat_template` form with the tokenizer's own
// template; each message carries `training`, our trained flag (message_field_training), and train_on_eos: turn
// trains each trained turn's end-of-turn token, as our mask does. A `--objective dpo` run: `rl: dpo` with `rl_beta`,
// its pairs as the `chat_template.default` DPO type documents them (src/axolotl/prompt_strategies/dpo/chat_template.py,
// docs/rlhf.qmd): the prompt's messages, then the chosen and the rejected answer message.
import { deepSpeedFiles, slurmScript, TORCHRUN_PER_NODE } from './deepspeed-launch';
import { adamWFields } from './optimizer-fields';
import { jsonl, type RecipeFile } from './recipe-files';
import { singleAnswers, type RecipeConversation, type RecipeDataset, type RecipeRecord } from './recipe-dataset';
import type { RecipeRun } from './recipe-run';
import { toYaml, type YamlValue } from './yaml';

function axolotlRecord(conversation: RecipeConversation): Record<string, unknown> {
  return { messages: conversation.messages.map((message) => ({ role: message.role, content: message.content, training: message.trained })) };
}

function preferenceRecord(record: RecipeRecord): Record<string, unknown> {
  if (record.kind !== 'pair') throw new Error('a preference dataset holds pairs only');
  const { chosen, rejected } = singleAnswers(record, 'Axolotl');
  return { messages: record.prompt, chosen, rejected };
}

function datasetEntry(path: string, kind: RecipeDataset['kind']): Record<string, YamlValue> {
  if (kind === 'text') return { path, ds_type: 'json', type: 'completion', field: 'text' };
  if (kind === 'preference') {
    // the tokenizer's own template renders the prompt (with the generation prompt) and each answer
    return { path, ds_type: 'json', split: 'train', type: 'chat_template.default', chat_template: 'tokenizer_default', field_messages: 'messages', field_chosen: 'chosen', field_rejected: 'rejected' };
  }
  return {
    path,
    ds_type: 'json',
    split: 'train',
    type: 'chat_template',
    chat_template: 'tokenizer_default',
    field_messages: 'messages',
    message_field_training: 'training',
    // Each message's `training` flag decides; assistant turns are the fallback for a message without one.
    roles_to_train: ['assistant'],
    train_on_eos: 'turn',
  };
}

export function axolotlConfig(run: RecipeRun, dataset: RecipeDataset, gpus: number): Record<string, YamlValue | undefined> {
  const { args } = run;
  const hasEval = dataset.kind === 'chat' ? dataset.evalConversations.length > 0 : dataset.eval.length > 0;
  const dpo = dataset.kind === 'preference';
  const lora: Record<string, YamlValue | undefined> =
    args.method === 'full'
      ? {}
      : {
          adapter: args.method === 'qlora' ? 'qlora' : 'lora',
          load_in_4bit: args.method === 'qlora' ? true : undefined,
          lora_r: args.rank,
          lora_alpha: Math.round(args.alpha),
          lora_dropout: args.dropout,
          lora_target_modules: [...args.targetModules],
          peft_use_rslora: args.rslora,
        };
  return {
    base_model: run.baseModel,
    // DPO's sigmoid loss is Axolotl's default for rl: dpo; the reference is the base with the adapter off (or a frozen copy)
    rl: dpo ? 'dpo' : undefined,
    rl_beta: dpo ? args.beta : undefined,
    datasets: [datasetEntry('data/train.jsonl', dataset.kind)],
    test_datasets: hasEval ? [datasetEntry('data/test.jsonl', dataset.kind)] : undefined,
    val_set_size: 0,
    dataset_prepared_path: 'prepared',
    output_dir: 'output',
    sequence_len: args.maxSeqLen,
    sample_packing: args.packing,
    ...lora,
    micro_batch_size: args.batchSize,
    eval_batch_size: args.batchSize,
    gradient_accumulation_steps: args.gradAccumulation,
    gradient_checkpointing: args.gradientCheckpointing,
    max_steps: args.steps,
    num_epochs: args.steps === undefined ? args.epochs : undefined,
    learning_rate: run.learningRate,
    lr_scheduler: 'cosine',
    cosine_min_lr_ratio: args.minLrRatio,
    warmup_steps: run.warmupSteps ?? 0,
    optimizer: 'adamw_torch',
    ...adamWFields(args),
    bf16: 'auto',
    logging_steps: args.logEvery,
    eval_steps: hasEval ? (args.evalEvery > 0 ? args.evalEvery : run.totalSteps) : undefined,
    save_steps: args.saveEvery > 0 ? args.saveEvery : run.totalSteps,
    // DeepSpeed ZeRO-3 shards everything across the GPUs; on one GPU Axolotl trains without it.
    deepspeed: gpus > 1 ? 'deepspeed/zero3.json' : undefined,
  };
}

export function axolotlFiles(run: RecipeRun, dataset: RecipeDataset, gpus: number, nodes: number): RecipeFile[] {
  const records = (conversations: RecipeConversation[], fallback: RecipeDataset['train']) => {
    if (dataset.kind === 'chat') return jsonl(conversations.map(axolotlRecord));
    if (dataset.kind === 'preference') return jsonl(fallback.map(preferenceRecord));
    return jsonl(fallback.map((record) => (record.kind === 'text' ? { text: record.text } : {})));
  };
  const trainWhat: Record<RecipeDataset['kind'], string> = {
    chat: `conversations (${dataset.trainConversations.length}), each message flagged \`training\` as in the run`,
    text: `texts (${dataset.train.length})`,
    preference: `preference pairs (${dataset.train.length}): the prompt's messages, the chosen and the rejected answer`,
  };
  const files: RecipeFile[] = [
    {
      path: 'axolotl.yaml',
      content: toYaml(axolotlConfig(run, dataset, gpus), [`Axolotl recipe exported by Fine-Tune Studio from ${run.source}.`, 'Run from this folder: axolotl train axolotl.yaml   (every GPU of this node; slurm.sbatch for several nodes).']),
      what: '`axolotl train axolotl.yaml`: the run as an Axolotl config (model, method, hyperparameters, data)',
    },
    { path: 'data/train.jsonl', content: records(dataset.trainConversations, dataset.train), what: `training ${trainWhat[dataset.kind]}` },
  ];
  if (dataset.eval.length > 0) files.push({ path: 'data/test.jsonl', content: records(dataset.evalConversations, dataset.eval), what: 'the run\'s eval set' });
  files.push(...deepSpeedFiles());
  files.push(slurmScript(gpus, nodes, 'axolotl', `${TORCHRUN_PER_NODE} -m axolotl.cli.train axolotl.yaml`));
  return files;
}
