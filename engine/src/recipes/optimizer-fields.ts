// The AdamW and clipping hyperparameters under the names of Hugging Face's TrainingArguments, which TRL, Axolotl and
// LLaMA-Factory all read: one mapping for the three recipes.
import type { TrainingArguments } from '../../../contracts/src/training-arguments';

export function adamWFields(args: TrainingArguments): { weight_decay: number; adam_beta1: number; adam_beta2: number; adam_epsilon: number; max_grad_norm: number; seed: number } {
  return { weight_decay: args.weightDecay, adam_beta1: args.beta1, adam_beta2: args.beta2, adam_epsilon: args.adamEpsilon, max_grad_norm: args.maxGradNorm, seed: args.seed };
}
