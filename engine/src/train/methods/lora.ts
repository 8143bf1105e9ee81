// LoRA (Hu et al. 2021) as PEFT implements it: for each target linear module, y = x·Wᵀ + (dropout(x)·Aᵀ·Bᵀ)·s with
// A [r, in] initialised kaiming-uniform(a=√5) (bound 1/√in), B [out, r] zeros, s = alpha/r, or alpha/√r with
// rsLoRA. The base weights stay frozen initializers; A and B are graph inputs named as PEFT stores them.
import { attr, ops, type Graph, type Value } from '../../graph';
import type { ModelFolder } from '../../io/model-folder';
import { expectedTensors } from '../../io/tensor-layout';
import type { LinearCall } from '../../models/types';
import { adapterTensorName, writePeftAdapter, type LoraModuleWeights } from '../export';
import { SeededRandom } from '../random';
import { runFolderPath } from '../../../../contracts/src/run/run-folder-layout';
import type { RunFolder } from '../../run-folder/run-folder';
import { trainableTensor, type MethodPlan } from './types';

export interface LoraOptions {
  rank: number;
  alpha: number;
  dropout: number;
  targetModules: string[];
  rslora: boolean;
  seed: number;
}

interface TargetModule {
  modulePath: string;
  inFeatures: number;
  outFeatures: number;
  /** A Conv1D weight [in, out] (GPT-2): the adapter is saved with PEFT's fan_in_fan_out. */
  storedInOut: boolean;
}

/** A module matches a target when its last name component equals it, or the target is its full path (PEFT's rule). */
export function matchesTarget(modulePath: string, targets: readonly string[]): boolean {
  return targets.some((target) => modulePath === target || modulePath.endsWith(`.${target}`));
}

export function loraScale(options: Pick<LoraOptions, 'alpha' | 'rank' | 'rslora'>): number {
  return options.rslora ? options.alpha / Math.sqrt(options.rank) : options.alpha / options.rank;
}

/**
 * The target modules present in the model, in the weights' order, from its projection weights (`<module>.weight`:
 * nn.Linear [out, in], or GPT-2's Conv1D stored [in, out]); a tied lm_head uses the embeddings and is not a target.
 */
function findTargets(model: ModelFolder, targets: readonly string[]): TargetModule[] {
  const found: TargetModule[] = [];
  const layout = new Map(expectedTensors(model.config).map((tensor) => [tensor.name, tensor]));
  for (const name of model.weights.names()) {
    const tensor = layout.get(name);
    const modulePath = name.slice(0, -'.weight'.length);
    if (tensor?.kind !== 'linear' || !matchesTarget(modulePath, targets)) continue;
    const [rows, columns] = tensor.shape;
    found.push(tensor.storedInOut ? { modulePath, inFeatures: rows, outFeatures: columns, storedInOut: true } : { modulePath, outFeatures: rows, inFeatures: columns, storedInOut: false });
  }
  if (found.length === 0) {
    const suggestion = model.config.arch === 'gpt2' ? 'c_attn,c_proj,c_fc' : 'q_proj,k_proj,v_proj,o_proj';
    throw new Error(`none of the LoRA target modules (${targets.join(', ')}) is a linear layer of this model; try ${suggestion}`);
  }
  return found;
}

export function createLoraPlan(model: ModelFolder, options: LoraOptions): MethodPlan {
  const targets = findTargets(model, options.targetModules);
  const random = new SeededRandom(options.seed).fork('lora-init');
  const trainable = targets.flatMap((target) => {
    const bound = 1 / Math.sqrt(target.inFeatures); // kaiming_uniform_(a=√5): gain √(2/6) × √(3/fan_in)
    const a = Float32Array.from({ length: options.rank * target.inFeatures }, () => (random.next() * 2 - 1) * bound);
    return [
      trainableTensor(adapterTensorName(target.modulePath, 'lora_A'), [options.rank, target.inFeatures], a),
      trainableTensor(adapterTensorName(target.modulePath, 'lora_B'), [target.outFeatures, options.rank], new Float32Array(target.outFeatures * options.rank)),
    ];
  });
  const byModule = new Map(targets.map((target) => [target.modulePath, target]));
  const scale = loraScale(options);
  const byModuleIndex = (module: string) => targets.findIndex((target) => target.modulePath === module);
  const currentModules = (): LoraModuleWeights[] => {
    const values = new Map(trainable.map((tensor) => [tensor.name, tensor.value]));
    return targets.map((target) => ({
      ...target,
      loraA: values.get(adapterTensorName(target.modulePath, 'lora_A'))!,
      loraB: values.get(adapterTensorName(target.modulePath, 'lora_B'))!,
    }));
  };

  return {
    trainable,
    outputFolder: 'adapter',
    attach(graph: Graph, frozen: (name: string) => Value) {
      const inputs = new Map<string, Value>();
      for (const tensor of trainable) inputs.set(tensor.name, graph.input(tensor.name, 'float32', tensor.shape));
      const linear = (call: LinearCall, base: (call: LinearCall) => Value): Value => {
        if (!byModule.has(call.module)) return base(call);
        const a = inputs.get(adapterTensorName(call.module, 'lora_A'))!;
        const b = inputs.get(adapterTensorName(call.module, 'lora_B'))!;
        const x = options.dropout > 0 ? dropout(call.input, options.dropout, options.seed + inputs.size + byModuleIndex(call.module)) : call.input;
        const low = ops.matmul(ops.matmul(x, ops.transpose(a, [1, 0])), ops.transpose(b, [1, 0]));
        return ops.add(base(call), ops.mul(low, scale));
      };
      return { hooks: { parameter: frozen, linear }, inputs };
    },
    exportTo(run: RunFolder, model: ModelFolder): string {
      const folder = runFolderPath(run.path, 'adapter');
      // PEFT sets fan_in_fan_out for Conv1D targets (GPT-2, where every projection is one); A and B keep their layout.
      const fanInFanOut = targets.some((target) => target.storedInOut);
      writePeftAdapter(run, folder, { baseModel: model.dir, ...options, fanInFanOut }, currentModules());
      return folder;
    },
    inferenceView(model: ModelFolder) {
      const modules = new Map(
        currentModules().map((module) => [module.modulePath, { module: module.modulePath, rank: options.rank, inFeatures: module.inFeatures, outFeatures: module.outFeatures, scale, a: module.loraA.slice(), b: module.loraB.slice() }]),
      );
      const config = { r: options.rank, loraAlpha: options.alpha, useRslora: options.rslora, targetModules: options.targetModules, rankPattern: {}, alphaPattern: {} };
      return { folder: model, adapter: { dir: '(training)', config, modules } };
    },
  };
}

/**
 * Inverted dropout: x · mask / (1 − p) with mask ~ Bernoulli(1 − p) from RandomUniformLike, seeded per module from
 * --seed so a run is reproducible. The draw has no gradient; the product's rule carries the mask. (ORT's generator
 * restarts with each session, so masks after --resume differ from an uninterrupted run's.)
 */
function dropout(x: Value, probability: number, seed: number): Value {
  const uniform = x.graph.node('RandomUniformLike', [x], [{ dtype: x.dtype, shape: x.shape }], { seed: attr.float(seed) })[0];
  const keep = ops.cast(ops.greaterOrEqual(uniform, probability), x.dtype);
  return ops.mul(x, ops.mul(keep, 1 / (1 - probability)));
}
