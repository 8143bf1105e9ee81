// `--init-adapter DIR`: a run starts from given PEFT weights instead of a fresh initialisation — continued training
// of a downloaded adapter, or the same starting point as another trainer (save PEFT's freshly initialised adapter,
// pass it here, and both runs begin identical; README "Comparing with another trainer"). LoRA/QLoRA take the
// adapter's shape (r, lora_alpha, use_rslora, target modules); prompt and prefix tuning its number of virtual tokens.
// AdamW moments start at zero, as in any new run.
import { readPeftAdapter, type PeftAdapter } from '../../adapters/peft';
import { expectedTensors } from '../../io/tensor-layout';
import type { ModelFolder } from '../../io/model-folder';
import { readTensorFloat32 } from '../../io/safetensors';
import type { TrainingArguments } from '../../../../contracts/src/training-arguments';
import { matchesTarget } from './lora';
import type { MethodPlan } from './types';
import { UserError } from '../../../../contracts/src/user-error';

export interface InitialAdapter {
  /** The arguments with the adapter's shape in place of the flags' (rank, alpha, rslora, targets; virtual tokens). */
  args: TrainingArguments;
  /** Overwrites the plan's fresh initial values with the adapter's. */
  load(plan: MethodPlan): void;
  /** One line for the log. */
  note: string;
}

function userError(message: string): UserError {
  return new UserError(`--init-adapter: ${message}`, 'training-arguments');
}

export function readInitialAdapter(dir: string, model: ModelFolder, args: TrainingArguments): InitialAdapter {
  if (args.method === 'full') throw userError('needs --method lora, qlora, prompt or prefix (a full run starts from --model)');
  // PEFT saves a P-tuning adapter's encoder output, not the encoder: there is nothing to continue training with.
  if (args.method === 'ptuning') throw userError('--method ptuning cannot start from an adapter: a P_TUNING adapter holds the prompt encoder\'s output, not the encoder (continue its virtual tokens with --method prompt)');
  const adapter = readPeftAdapter(dir);
  if (args.method === 'prompt') return promptStart(dir, adapter, model, args);
  if (args.method === 'prefix') return prefixStart(dir, adapter, model, args);
  return loraStart(dir, adapter, model, args);
}

function promptStart(dir: string, adapter: PeftAdapter, model: ModelFolder, args: TrainingArguments): InitialAdapter {
  const prompt = adapter.prompt;
  if (!prompt) throw userError(`${dir} is a LoRA adapter; --method prompt needs a PROMPT_TUNING (or P_TUNING) one`);
  if (prompt.tokenDim !== model.config.hiddenSize) throw userError(`the prompt embeddings are ${prompt.tokenDim} wide but the model's hidden size is ${model.config.hiddenSize}`);
  return {
    args: { ...args, virtualTokens: prompt.numVirtualTokens },
    load(plan) {
      plan.trainable[0].value.set(prompt.embeddings);
    },
    note: `init adapter ${dir}: ${prompt.numVirtualTokens} virtual tokens`,
  };
}

function prefixStart(dir: string, adapter: PeftAdapter, model: ModelFolder, args: TrainingArguments): InitialAdapter {
  const prefix = adapter.prefix;
  if (!prefix) throw userError(`${dir} is not a PREFIX_TUNING adapter; --method prefix needs one`);
  // Like P-tuning, PEFT saves the projection's output (the table), not the projection.
  if (args.prefixProjection) throw userError('--prefix-projection cannot start from an adapter: PEFT saves the prefixes, not the projection (continue without --prefix-projection)');
  const { numLayers, numKvHeads, headDim } = model.config;
  if (prefix.numLayers !== numLayers || prefix.kvDim !== numKvHeads * headDim) {
    throw userError(`the prefixes are for ${prefix.numLayers} layers × ${prefix.kvDim} key/value width but the model has ${numLayers} × ${numKvHeads * headDim} (an adapter for another base?)`);
  }
  return {
    args: { ...args, virtualTokens: prefix.numVirtualTokens },
    load(plan) {
      plan.trainable[0].value.set(prefix.embeddings);
    },
    note: `init adapter ${dir}: ${prefix.numVirtualTokens} prefix positions in each of ${prefix.numLayers} layers`,
  };
}

function loraStart(dir: string, adapter: PeftAdapter, model: ModelFolder, args: TrainingArguments): InitialAdapter {
  const config = adapter.config;
  if (!config) throw userError(`${dir} is a prompt-learning adapter; --method ${args.method} needs a LORA one`);
  if (Object.keys(config.rankPattern).length > 0 || Object.keys(config.alphaPattern).length > 0) {
    throw userError('adapters with rank_pattern or alpha_pattern (a rank or alpha per module) are not supported');
  }
  for (const [name, saved] of adapter.baseWeights ?? new Map()) {
    // Training keeps the base's weights frozen; PEFT saved its own copy, which must be that same weight.
    const base = model.weights.has(name) ? model.weights.readFloat32(name) : undefined;
    const fresh = readTensorFloat32(saved);
    if (!base || base.length !== fresh.length || base.some((value, index) => value !== fresh[index])) {
      throw userError(`the adapter's saved ${name} differs from the base model's (an adapter for another base, or a resized vocabulary)`);
    }
  }
  const modules = [...adapter.modules.keys()];
  const targetModules = targetsFor(model, config.targetModules, modules);
  const shaped = { ...args, rank: config.r, alpha: config.loraAlpha, rslora: config.useRslora, targetModules };
  return {
    args: shaped,
    load(plan) {
      const expected = new Set(modules.flatMap((module) => [`base_model.model.${module}.lora_A.weight`, `base_model.model.${module}.lora_B.weight`]));
      const planned = plan.trainable.map((tensor) => tensor.name);
      if (planned.length !== expected.size || planned.some((name) => !expected.has(name))) {
        const missing = [...new Set([...expected].filter((name) => !planned.includes(name)).map(moduleOf))];
        throw userError(missing.length > 0 ? `the adapter's modules ${missing.join(', ')} are not linear layers of this model (an adapter for another base?)` : 'the run would train modules the adapter does not hold');
      }
      for (const tensor of plan.trainable) {
        const module = adapter.modules.get(moduleOf(tensor.name))!;
        const values = tensor.name.endsWith('lora_A.weight') ? module.a : module.b;
        if (values.length !== tensor.value.length) throw userError(`${tensor.name} has ${values.length} values, the model needs [${tensor.shape}]`);
        tensor.value.set(values);
      }
    },
    note: `init adapter ${dir}: LoRA r=${config.r}, alpha ${config.loraAlpha}${config.useRslora ? ' (rsLoRA)' : ''} on ${modules.length} modules (these replace --rank, --alpha, --rslora and --target-modules)`,
  };
}

/** PEFT's module name inside an adapter tensor name. */
function moduleOf(tensorName: string): string {
  return tensorName.replace(/^base_model\.model\.|\.lora_[AB]\.weight$/g, '');
}

/** The adapter's target_modules list when it picks exactly the adapter's modules here, else their full paths. */
function targetsFor(model: ModelFolder, listed: string[] | string, modules: string[]): string[] {
  if (!Array.isArray(listed) || listed.length === 0) return modules;
  const matched = expectedTensors(model.config)
    .filter((tensor) => tensor.kind === 'linear' && model.weights.has(tensor.name))
    .map((tensor) => tensor.name.slice(0, -'.weight'.length))
    .filter((module) => matchesTarget(module, listed));
  const same = matched.length === modules.length && matched.every((module) => modules.includes(module));
  return same ? listed : modules;
}
