// The start-training flow's decisions, apart from its quick picks (no vscode import, so they are unit-tested): the
// defaults, which objective and methods a dataset's format allows, and the training arguments the answers make.
import * as fs from 'node:fs';
import type { FormatId } from '../../../contracts/src/dataset-types';
import { METHODS, PREFERENCE_METHODS, TRAINING_OPTIONS, type Method, type Objective, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import { decisiveFormat } from '../../../datasets/src/line/formats';

export interface Choices {
  model?: string;
  method: Method;
  /** Asked only for preference data; remembered apart from `method` so an sft dataset never inherits it. */
  objective?: Objective;
  beta?: number;
  steps?: number;
  epochs: number;
  lr?: number;
  batchSize: number;
  rank: number;
  maxSeqLen: number;
  eval?: string;
}

function optionDefault<K extends keyof typeof TRAINING_OPTIONS>(key: K): unknown {
  return (TRAINING_OPTIONS[key].schema as { parse(input: unknown): unknown }).parse(undefined);
}

export function defaultChoices(): Choices {
  return { method: 'lora', epochs: optionDefault('epochs') as number, batchSize: optionDefault('batchSize') as number, rank: optionDefault('rank') as number, maxSeqLen: optionDefault('maxSeqLen') as number };
}

/** β's default (TRL's 0.1), from the one table of training options. */
export function defaultBeta(): number {
  return optionDefault('beta') as number;
}

/** TRL's preference pairs, explicit prompt or implicit: the data `--objective dpo` trains on. */
export function isPreferenceFormat(format: FormatId | null | undefined): boolean {
  return format === 'preference' || format === 'preference-implicit';
}

export interface ObjectiveItem {
  objective: Objective;
  label: string;
  description: string;
  detail: string;
}

/** The objective step for preference data: DPO first (recommended), SFT on the chosen answers as the alternative. */
export const OBJECTIVE_ITEMS: readonly ObjectiveItem[] = [
  {
    objective: 'dpo',
    label: 'DPO (preference tuning)',
    description: 'recommended',
    detail: 'Learn to prefer each pair\'s chosen answer over its rejected one (TRL\'s sigmoid DPO loss; LoRA, QLoRA or full)',
  },
  {
    objective: 'sft',
    label: 'SFT on the chosen answers',
    description: 'instruction tuning',
    detail: 'Ignore the rejected answers and learn the chosen ones, as with any instruction dataset',
  },
];

/** The objective offered first: the one chosen last time for preference data, else DPO. */
export function initialObjective(remembered: Objective | undefined): Objective {
  return remembered ?? 'dpo';
}

/** The methods an objective can train: dpo needs a reference model (the base with the adapter off, or a frozen copy). */
export function methodsFor(objective: Objective): readonly Method[] {
  return objective === 'dpo' ? PREFERENCE_METHODS : METHODS;
}

/** The method to offer first: the remembered one when the objective allows it, else LoRA. */
export function initialMethod(remembered: Method, objective: Objective): Method {
  return methodsFor(objective).includes(remembered) ? remembered : 'lora';
}

/** Why a β typed in the settings list is not valid, or undefined when it is. */
export function betaProblem(text: string): string | undefined {
  const parsed = TRAINING_OPTIONS.beta.schema.safeParse(text.trim() === '' ? NaN : Number(text));
  return parsed.success ? undefined : `beta: ${parsed.error.issues[0].message}`;
}

/**
 * The run's training arguments (all but `out`). `objective` is passed only when the flow asked for it (preference
 * data), `beta` only for dpo; an sft dataset's arguments are exactly what they were before objectives existed.
 */
export function toArguments(dataset: string, choices: Choices, preferenceData: boolean): Omit<TrainingArgumentsInput, 'out'> {
  const args: Omit<TrainingArgumentsInput, 'out'> = { model: choices.model!, data: dataset, method: choices.method, epochs: choices.epochs, batchSize: choices.batchSize, maxSeqLen: choices.maxSeqLen };
  if (preferenceData) {
    const objective = choices.objective ?? 'dpo';
    args.objective = objective;
    if (objective === 'dpo') args.beta = choices.beta ?? defaultBeta();
  }
  if (choices.steps !== undefined) args.steps = choices.steps;
  if (choices.lr !== undefined) args.lr = choices.lr;
  if (choices.method === 'lora' || choices.method === 'qlora') args.rank = choices.rank;
  return args;
}

/** How much of the file `leadingFormat` reads. */
const leadingBytes = 256 * 1024;

/**
 * Without the language server: the most common format among the records in the file's first 256 KiB (null when none
 * is recognised, or the file cannot be read).
 */
export function leadingFormat(file: string): FormatId | null {
  let text: string;
  try {
    const handle = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(leadingBytes);
      text = buffer.subarray(0, fs.readSync(handle, buffer, 0, leadingBytes, 0)).toString('utf8');
    } finally {
      fs.closeSync(handle);
    }
  } catch {
    return null;
  }
  const votes = new Map<FormatId, number>();
  for (const line of text.split('\n')) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // blank, broken, or cut off at the end of the slice
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const format = decisiveFormat(value as Record<string, unknown>);
    if (format) votes.set(format, (votes.get(format) ?? 0) + 1);
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
