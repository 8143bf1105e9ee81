// The one definition of training arguments (mlx-lm `tuner/trainer.py` style): every option's flag, type, default and
// help text live here. The CLI's flags and help, the `--config` file and its JSON schema all derive from this table.
// Precedence: command line, then config file, then defaults.
import { z } from 'zod';
import { QUANT_TYPES } from './quant-types';
import { DEVICE_HELP, DEVICE_NAMES } from './device-names';
import { UserError } from './user-error';

export const METHODS = ['full', 'lora', 'qlora', 'prompt', 'ptuning', 'prefix'] as const;
/** What the step minimises: the causal-LM loss on the answers (sft) or TRL's sigmoid DPO loss on preference pairs. */
export const OBJECTIVES = ['sft', 'dpo'] as const;
/** Methods `--objective dpo` trains (the reference model is the base with the adapter off, or the initial weights). */
export const PREFERENCE_METHODS = ['full', 'lora', 'qlora'] as const;
export type Objective = (typeof OBJECTIVES)[number];
/** DPO's β when none is given (TRL's DPOConfig default); also what a run.json without one is read with. */
export const DEFAULT_DPO_BETA = 0.1;
/** P-tuning's prompt encoder (PEFT's encoder_reparameterization_type, lower case). */
export const ENCODER_TYPES = ['mlp', 'lstm'] as const;
export const DEVICES = DEVICE_NAMES;
export type Method = (typeof METHODS)[number];
export type DeviceChoice = (typeof DEVICES)[number];

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();

/** Each option: its schema (with default) and one line of help. Keys are camelCase; flags are the kebab-case form. */
export const TRAINING_OPTIONS = {
  model: { schema: z.string().min(1), help: 'Base model folder (Hugging Face layout).' },
  data: { schema: z.string().min(1), help: 'Training dataset (JSONL in any supported format).' },
  eval: { schema: z.string().min(1).optional(), help: 'Evaluation dataset; otherwise --eval-fraction of --data.' },
  evalFraction: { schema: z.number().min(0).max(0.5).default(0), help: 'Share of --data held out for eval when no --eval.' },
  method: { schema: z.enum(METHODS).default('lora'), help: 'full | lora | qlora | prompt | ptuning | prefix.' },
  objective: {
    schema: z.enum(OBJECTIVES).default('sft'),
    help: 'sft (learn the answers) or dpo (prefer each pair\'s chosen answer over its rejected one; preference data, full/lora/qlora).',
  },
  beta: { schema: z.number().positive().default(DEFAULT_DPO_BETA), help: 'dpo: β, how far the policy may move from the reference model (TRL\'s beta).' },
  out: { schema: z.string().min(1), help: 'Run folder: run.json, metrics.jsonl, checkpoints, adapter/ or model/.' },
  steps: { schema: positiveInt.optional(), help: 'Optimizer steps to run (overrides --epochs).' },
  epochs: { schema: z.number().positive().default(1), help: 'Passes over the training data when --steps is not set.' },
  batchSize: { schema: positiveInt.default(4), help: 'Sequences per micro-batch.' },
  gradAccumulation: { schema: positiveInt.default(1), help: 'Micro-batches summed per optimizer step.' },
  lr: { schema: z.number().positive().optional(), help: 'Peak learning rate (default 2e-4 for lora/qlora, 2e-5 for full, 3e-2 for prompt, 1e-3 for ptuning, 1e-2 for prefix; with --objective dpo 5e-6 for lora/qlora, 1e-6 for full).' },
  warmupSteps: { schema: nonNegativeInt.optional(), help: 'Linear warmup steps (default 5% of the steps).' },
  minLrRatio: { schema: z.number().min(0).max(1).default(0.1), help: 'Cosine decay ends at lr × this ratio.' },
  weightDecay: { schema: nonNegative.default(0), help: 'AdamW decoupled weight decay.' },
  beta1: { schema: z.number().min(0).lt(1).default(0.9), help: 'AdamW β1.' },
  beta2: { schema: z.number().min(0).lt(1).default(0.999), help: 'AdamW β2.' },
  adamEpsilon: { schema: z.number().positive().default(1e-8), help: 'AdamW ε.' },
  maxGradNorm: { schema: nonNegative.default(1), help: 'Clip gradients to this global norm (0 disables).' },
  rank: { schema: positiveInt.default(8), help: 'LoRA rank r.' },
  alpha: { schema: z.number().positive().default(16), help: 'LoRA alpha (scale alpha/r, or alpha/sqrt(r) with --rslora).' },
  dropout: { schema: z.number().min(0).lt(1).default(0), help: 'LoRA dropout on the adapter input.' },
  targetModules: { schema: z.array(z.string().min(1)).min(1).default(['q_proj', 'v_proj']), help: 'Linear modules LoRA wraps (comma-separated).' },
  rslora: { schema: z.boolean().default(false), help: 'Rank-stabilised LoRA scaling alpha/sqrt(r).' },
  quantType: { schema: z.enum(QUANT_TYPES).default('nf4'), help: 'qlora: 4-bit format of the frozen base (nf4 | int4, blocks of 64).' },
  virtualTokens: { schema: positiveInt.default(20), help: 'prompt/ptuning/prefix: number of trainable virtual tokens (prefix: key/value pairs per layer).' },
  promptInit: { schema: z.string().min(1).optional(), help: 'prompt: initial virtual tokens, text:"…" (embeddings of that text, repeated) or random (default: random).' },
  encoderType: { schema: z.enum(ENCODER_TYPES).default('mlp'), help: 'ptuning: the prompt encoder, mlp (3 linear layers) or lstm (2-layer bidirectional LSTM + 2 linear layers).' },
  encoderHiddenSize: { schema: positiveInt.optional(), help: 'ptuning: hidden size of the prompt encoder (default: the model\'s hidden size); prefix: of the --prefix-projection MLP (default: the key/value width).' },
  prefixProjection: { schema: z.boolean().default(false), help: 'prefix: train the prefixes through an MLP (embedding → Linear → Tanh → Linear), as PEFT\'s prefix_projection.' },
  gradientCheckpointing: {
    schema: z.boolean().default(false),
    help: 'Recompute each decoder layer in the backward instead of keeping its activations (less memory, about one more forward of compute). Not with --dropout.',
  },
  frozenWeights: {
    schema: z.enum(['auto', 'float32']).default('auto'),
    help: 'How the frozen weights of an fp16/bf16 model are held: auto (in their 16 bits, widened at each use: half the memory, the same float32 math; on WebGPU as fp16 where the adapter has shader-f16) or float32.',
  },
  maxSeqLen: { schema: positiveInt.default(512), help: 'Longer examples are truncated (and counted).' },
  packing: {
    schema: z.boolean().default(false),
    help: 'Pack several examples into each row of --max-seq-len tokens (first fit, longest first), each attending only to itself with positions from 0: less padding, the same loss per example. Not with prompt, ptuning or prefix.',
  },
  seed: { schema: nonNegativeInt.default(42), help: 'Seed for initialisation, shuffling and dropout.' },
  logEvery: { schema: positiveInt.default(1), help: 'Write a step event every N steps.' },
  evalEvery: { schema: nonNegativeInt.default(0), help: 'Evaluate every N steps (0: only at the end).' },
  saveEvery: { schema: nonNegativeInt.default(50), help: 'Checkpoint every N steps (0: only at the end).' },
  samplePrompt: { schema: z.string().min(1).optional(), help: 'Log the model\'s reply to this prompt (a `sample` event) at the end and every --sample-every steps.' },
  sampleEvery: { schema: nonNegativeInt.default(0), help: 'Steps between samples (0: only at the end).' },
  sampleMaxTokens: { schema: positiveInt.default(32), help: 'Most tokens a sample reply may have.' },
  initAdapter: { schema: z.string().min(1).optional(), help: 'lora/qlora/prompt/prefix: start from this PEFT adapter\'s weights (its r, alpha, targets or virtual tokens replace the flags).' },
  resume: { schema: z.boolean().default(false), help: 'Continue from the run folder\'s last checkpoint.' },
  device: { schema: z.enum(DEVICES).default('auto'), help: DEVICE_HELP },
  threads: { schema: nonNegativeInt.default(0), help: 'onnxruntime intra-op threads (0: one per core).' },
  optimization: { schema: z.enum(['disabled', 'basic', 'extended', 'all']).optional(), help: 'onnxruntime graph optimisation level (default: the engine\'s measured choice).' },
} as const;

type Options = typeof TRAINING_OPTIONS;
export type OptionKey = keyof Options;

export const trainingArgumentsSchema = z
  .object(Object.fromEntries(Object.entries(TRAINING_OPTIONS).map(([key, option]) => [key, option.schema])) as {
    [K in OptionKey]: Options[K]['schema'];
  })
  .strict();

export type TrainingArguments = z.output<typeof trainingArgumentsSchema>;
export type TrainingArgumentsInput = z.input<typeof trainingArgumentsSchema>;

/** The default peak learning rate of each method (LoRA tolerates a much higher rate than full fine-tuning). */
export const DEFAULT_LEARNING_RATES: Record<Method, number> = { full: 2e-5, lora: 2e-4, qlora: 2e-4, prompt: 3e-2, ptuning: 1e-3, prefix: 1e-2 };

/**
 * With `--objective dpo` the defaults are far lower: a preference step pushes whole sequences' log-probs apart, and the
 * usual recipes use TRL's DPOConfig default (1e-6) for full fine-tuning and 5e-6 for LoRA/QLoRA (the alignment
 * handbook's Zephyr DPO recipes).
 */
export const DEFAULT_DPO_LEARNING_RATES: Record<(typeof PREFERENCE_METHODS)[number], number> = { full: 1e-6, lora: 5e-6, qlora: 5e-6 };

/** The default peak learning rate for a method under an objective. */
export function defaultLearningRate(method: Method, objective: Objective = 'sft'): number {
  return objective === 'dpo' && method in DEFAULT_DPO_LEARNING_RATES ? DEFAULT_DPO_LEARNING_RATES[method as keyof typeof DEFAULT_DPO_LEARNING_RATES] : DEFAULT_LEARNING_RATES[method];
}

export function resolvedLearningRate(args: TrainingArguments): number {
  return args.lr ?? defaultLearningRate(args.method, args.objective);
}

export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** What kind of value a flag takes, read from its schema (optional/default wrappers unwrapped). */
export function optionKind(key: OptionKey): 'string' | 'number' | 'boolean' | 'list' {
  let schema: z.ZodType = TRAINING_OPTIONS[key].schema;
  while (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodArray) return 'list';
  return 'string';
}

/** Formats zod issues as "key: message" lines, naming where the value came from. */
function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `${source}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `--${flagName(key)}`).join(', ')}`;
      const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      const where = issue.path.length > 0 ? `--${flagName(String(issue.path[0]))}` : source;
      return `${source}: ${where === source ? key : where}: ${issue.message}`;
    })
    .join('\n');
}

/** Bad training arguments; zod's issues come one per line. */
export class TrainingArgumentsError extends UserError {
  constructor(message: string) {
    super(message, 'training-arguments', 'lines');
  }
}

/** Merges layers (later wins) and validates; `source` names the layers in error messages. */
export function resolveTrainingArguments(layers: Array<Record<string, unknown>>, source = 'arguments'): TrainingArguments {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) merged[key] = value;
  }
  const result = trainingArgumentsSchema.safeParse(merged);
  if (!result.success) throw new TrainingArgumentsError(describeIssues(result.error, source));
  return result.data;
}

/** The JSON schema of a training config file (for the extension's run configuration IntelliSense). */
export function trainingArgumentsJsonSchema(): unknown {
  const schema = z.toJSONSchema(trainingArgumentsSchema.partial(), { io: 'input' }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  for (const [key, option] of Object.entries(TRAINING_OPTIONS)) {
    if (properties[key]) properties[key].description = option.help;
  }
  return schema;
}

/** Parses command-line flags into a partial layer (numbers and lists converted); `--config FILE` is returned apart. */
export function argumentsFromFlags(argv: string[]): { layer: Record<string, unknown>; configPath?: string; help: boolean } {
  const layer: Record<string, unknown> = {};
  const keysByFlag = new Map(Object.keys(TRAINING_OPTIONS).map((key) => [flagName(key), key as OptionKey]));
  let configPath: string | undefined;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index];
    if (token === '--help' || token === '-h') {
      help = true;
      continue;
    }
    if (!token.startsWith('--')) throw new TrainingArgumentsError(`unexpected argument '${token}'`);
    const [flag, inlineValue] = token.slice(2).split(/=(.*)/s, 2);
    if (flag === 'config') {
      configPath = inlineValue ?? argv[++index];
      if (configPath === undefined) throw new TrainingArgumentsError('--config needs a file');
      continue;
    }
    const negated = flag.startsWith('no-') && keysByFlag.has(flag.slice(3));
    const key = keysByFlag.get(negated ? flag.slice(3) : flag);
    if (!key) throw new TrainingArgumentsError(`unknown option --${flag} (see finetune train --help)`);
    const kind = optionKind(key);
    if (kind === 'boolean') {
      layer[key] = inlineValue === undefined ? !negated : inlineValue === 'true';
      continue;
    }
    const value = inlineValue ?? argv[++index];
    if (value === undefined) throw new TrainingArgumentsError(`--${flag} needs a value`);
    if (kind === 'number') {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) throw new TrainingArgumentsError(`--${flag}: '${value}' is not a number`);
      layer[key] = number;
    } else if (kind === 'list') {
      layer[key] = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    } else {
      layer[key] = value;
    }
  }
  return { layer, configPath, help };
}

/** Help text for `finetune train --help`, generated from the option table. */
export function trainingHelp(): string {
  const lines = Object.entries(TRAINING_OPTIONS).map(([key, option]) => {
    const kind = optionKind(key as OptionKey);
    const flag = `--${flagName(key)}${kind === 'boolean' ? '' : ` <${kind === 'list' ? 'a,b' : kind === 'number' ? 'n' : 'value'}>`}`;
    const parsedDefault = (option.schema as z.ZodType).safeParse(undefined);
    const shown = parsedDefault.success && parsedDefault.data !== undefined ? ` [default: ${String(parsedDefault.data)}]` : '';
    return `  ${flag.padEnd(28)} ${option.help}${shown}`;
  });
  return ['usage: finetune train --model DIR --data FILE --out RUN_DIR [options]', '', 'options:', '  --config <file>              JSON file of options (command line wins)', ...lines].join('\n');
}
