// Why a model computed NaN or infinity: a weight that holds one (found by reading the tensors one at a time, so only
// when a result is already bad, never on every load), or else the config values that feed the arithmetic. The
// answer is a located UserError, so `finetune score` and friends exit non-zero instead of printing nulls.
import type { PeftAdapter } from '../adapters/peft';
import { UserError } from '../../../contracts/src/user-error';
import type { ModelFolder } from './model-folder';

export interface NonFiniteTensor {
  /** The file the tensor is in (a safetensors file of the model or the adapter folder). */
  file: string;
  tensor: string;
  /** How many of its values are NaN or ±infinity, and the first one's flat index. */
  count: number;
  firstIndex: number;
  firstValue: number;
}

function scan(values: ArrayLike<number>): { count: number; firstIndex: number; firstValue: number } | null {
  let count = 0;
  let firstIndex = -1;
  for (let index = 0; index < values.length; index++) {
    if (Number.isFinite(values[index])) continue;
    if (count++ === 0) firstIndex = index;
  }
  return count === 0 ? null : { count, firstIndex, firstValue: values[firstIndex] };
}

/** The first tensor (in file order) holding NaN or infinity: the model's weights, then the adapter's. */
export function findNonFiniteTensor(folder: Pick<ModelFolder, 'weights'>, adapter?: PeftAdapter): NonFiniteTensor | null {
  for (const name of folder.weights.names()) {
    const found = scan(folder.weights.readFloat32(name));
    if (found) return { file: folder.weights.info(name).file, tensor: name, ...found };
  }
  if (!adapter) return null;
  for (const [module, lora] of adapter.modules) {
    for (const [half, values] of [['lora_A', lora.a], ['lora_B', lora.b]] as const) {
      const found = scan(values);
      if (found) return { file: adapter.dir, tensor: `${module}.${half}.weight`, ...found };
    }
  }
  const table = adapter.prompt ?? adapter.prefix;
  const prompt = table && scan(table.embeddings);
  return prompt ? { file: adapter.dir, tensor: 'prompt_embeddings', ...prompt } : null;
}

/** The error to raise when a model's output holds NaN or infinity: the bad tensor, or the config values to check. */
export function nonFiniteOutputError(folder: Pick<ModelFolder, 'dir' | 'config' | 'weights'>, adapter: PeftAdapter | undefined, what: string): UserError {
  const bad = findNonFiniteTensor(folder, adapter);
  if (bad) {
    const share = bad.count === 1 ? 'a value' : `${bad.count} values`;
    return new UserError(`${bad.file}: tensor '${bad.tensor}' holds ${share} that ${bad.count === 1 ? 'is' : 'are'} NaN or infinite (first at index ${bad.firstIndex}: ${bad.firstValue}), so ${what} is NaN; the weights are damaged`, 'non-finite');
  }
  const { ropeTheta, rmsNormEps } = folder.config;
  return new UserError(`${folder.dir}: ${what} is NaN or infinite although every weight is finite; check config.json (rope_theta ${ropeTheta}, rms_norm_eps ${rmsNormEps}, rope_scaling)`, 'non-finite');
}
