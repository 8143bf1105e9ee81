// Training speed figures for `npm run bench -- --json`: LoRA tokens/s on the tiny, small and bench models, on the CPU
// and on every GPU device `auto` would take here, with fixed full batches (8 × 128 tokens, rank 8 on q_proj/v_proj),
// the step-graph build and session time, peak memory, and a sweep of onnxruntime's intra-op threads ×
// graph-optimisation level on the small model (the best one wins).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel } from '../engine/src/init/init-model';
import type { ModelSize } from '../engine/src/init/model-sizes';
import { loadModelFolder, type ModelFolder } from '../engine/src/io/model-folder';
import { resolveTrainingArguments } from '../contracts/src/training-arguments';
import { makeBatch, type Batch } from '../engine/src/train/batching';
import { createLoraPlan } from '../engine/src/train/methods/lora';
import { SeededRandom } from '../engine/src/train/random';
import { createTrainingSession } from '../engine/src/train/step-graph';
import { adapterOf, candidateDevices, reasonToSkip, type ConcreteDevice } from '../engine/src/runtime/devices';

export const TRAIN_BENCH_CONFIG = { batchSize: 8, sequenceLength: 128, rank: 8, alpha: 16, targetModules: ['q_proj', 'v_proj'], method: 'lora' } as const;

type Optimization = 'disabled' | 'basic' | 'extended' | 'all';

/** A full batch of random tokens, every position trained: no padding, so tokens/s counts real work only. */
function syntheticBatch(vocabSize: number, seed: number): Batch {
  const random = new SeededRandom(seed);
  const { batchSize, sequenceLength } = TRAIN_BENCH_CONFIG;
  const examples = Array.from({ length: batchSize }, (_, line) => ({
    line,
    ids: Array.from({ length: sequenceLength }, () => random.integer(vocabSize)),
    trainedMask: new Uint8Array(sequenceLength).fill(1),
  }));
  return makeBatch(examples, examples.map((_, index) => index), 0, 1);
}

interface Measurement {
  tokensPerSecond: number;
  secondsPerStep: number;
  sessionSeconds: number;
}

async function openSession(model: ModelFolder, threads: number, optimization: Optimization, device: ConcreteDevice = 'cpu') {
  const { batchSize, rank, alpha, method } = TRAIN_BENCH_CONFIG;
  const args = resolveTrainingArguments([{ model: model.dir, data: '-', out: '-', batchSize, rank, alpha, method, targetModules: [...TRAIN_BENCH_CONFIG.targetModules], threads, optimization, device }]);
  const plan = createLoraPlan(model, { ...args, seed: 1 });
  const built = performance.now();
  const session = await createTrainingSession(model, plan, args);
  const sessionSeconds = Number(((performance.now() - built) / 1000).toFixed(2));
  const batch = syntheticBatch(model.config.vocabSize, 7);
  let step = 0;
  // Two warm-up steps: the first run sizes ORT's memory arena.
  for (let warm = 0; warm < 2; warm++) await session.step([batch], { learningRate: 1e-4, step: ++step });
  return {
    sessionSeconds,
    /** Seconds per step over `steps` timed steps. */
    async time(steps: number): Promise<number> {
      const started = performance.now();
      for (let index = 0; index < steps; index++) await session.step([batch], { learningRate: 1e-4, step: ++step });
      return (performance.now() - started) / 1000 / steps;
    },
    release: () => session.release(),
  };
}

async function measure(model: ModelFolder, threads: number, optimization: Optimization, steps: number, device: ConcreteDevice = 'cpu'): Promise<Measurement> {
  const session = await openSession(model, threads, optimization, device);
  try {
    // Best of three rounds: the machine may be busy with other work for part of the time.
    const perRound = Math.max(1, Math.ceil(steps / 3));
    let secondsPerStep = Infinity;
    for (let round = 0; round < 3; round++) secondsPerStep = Math.min(secondsPerStep, await session.time(perRound));
    const tokens = TRAIN_BENCH_CONFIG.batchSize * TRAIN_BENCH_CONFIG.sequenceLength;
    return { tokensPerSecond: Math.round(tokens / secondsPerStep), secondsPerStep: Number(secondsPerStep.toFixed(4)), sessionSeconds: session.sessionSeconds };
  } finally {
    await session.release();
  }
}

/**
 * threads × optimisation level, all sessions open at once and timed in interleaved rounds (best round kept), so a
 * load change on the machine hits every setting alike instead of whichever ran at that moment.
 */
async function sweepRuntime(model: ModelFolder, rounds: number, stepsPerRound: number) {
  const cores = availableParallelism();
  const settings = [...new Set([1, cores])].flatMap((threads) => (['basic', 'extended', 'all'] as const).map((optimization) => ({ threads, optimization })));
  const sessions: Array<Awaited<ReturnType<typeof openSession>>> = [];
  for (const setting of settings) sessions.push(await openSession(model, setting.threads, setting.optimization));
  try {
    const best = settings.map(() => Infinity);
    for (let round = 0; round < rounds; round++) {
      for (const [index, session] of sessions.entries()) best[index] = Math.min(best[index], await session.time(stepsPerRound));
    }
    const tokens = TRAIN_BENCH_CONFIG.batchSize * TRAIN_BENCH_CONFIG.sequenceLength;
    return settings.map((setting, index) => ({ ...setting, tokensPerSecond: Math.round(tokens / best[index]), sessionSeconds: sessions[index].sessionSeconds }));
  } finally {
    for (const session of sessions) await session.release();
  }
}

export interface TrainBenchOptions {
  sizes?: ModelSize[];
  /** Timed steps per measurement (after two warm-up steps). */
  steps?: number;
  /** Sweep threads × optimisation level on the largest size. */
  tune?: boolean;
}

export async function benchTrain(options: TrainBenchOptions = {}): Promise<Record<string, unknown>> {
  const sizes = options.sizes ?? ['tiny', 'small', 'bench'];
  const steps = options.steps ?? 5;
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'finetune-bench-train-'));
  const figures: Record<string, unknown> = { 'train.config': { ...TRAIN_BENCH_CONFIG, cores, steps } };
  // Every GPU device `auto` would take here is measured too; the others say why not (a software WebGPU adapter is
  // a correctness check, not a speed figure: `--device webgpu` in gpu-check --software).
  const devices = candidateDevices('auto').filter((device) => device !== 'cpu').map((device) => ({ device, skipped: reasonToSkip(device) }));
  const gpus = devices.filter((entry) => entry.skipped === undefined).map((entry) => entry.device);
  figures['train.devices'] = Object.fromEntries([['cpu', 'measured'], ...devices.map((entry) => [entry.device, entry.skipped ?? `measured (${adapterOf(entry.device) ?? entry.device})`])]);
  try {
    for (const size of sizes) {
      initModel({ arch: 'llama', size, out: join(dir, size), seed: 1 });
      const model = loadModelFolder(join(dir, size));
      const result = await measure(model, 0, 'all', steps);
      figures[`train.lora.${size}.tokensPerSecond`] = result.tokensPerSecond;
      figures[`train.lora.${size}.secondsPerStep`] = result.secondsPerStep;
      figures[`train.lora.${size}.sessionSeconds`] = result.sessionSeconds;
      figures[`train.lora.${size}.peakRssMB`] = Math.round(process.resourceUsage().maxRSS / 1024);
      for (const device of gpus) {
        const onGpu = await measure(model, 0, 'all', steps, device);
        figures[`train.lora.${size}.${device}.tokensPerSecond`] = onGpu.tokensPerSecond;
        figures[`train.lora.${size}.${device}.secondsPerStep`] = onGpu.secondsPerStep;
        figures[`train.lora.${size}.${device}.sessionSeconds`] = onGpu.sessionSeconds;
      }
    }
    if (options.tune ?? true) {
      // The sweep runs on the small model: the same graph shape as the bench model at a tenth of the time per step.
      const tuneSize = sizes.includes('small') ? 'small' : sizes[0];
      const sweep = await sweepRuntime(loadModelFolder(join(dir, tuneSize)), 3, 2);
      figures[`train.lora.${tuneSize}.runtimeSweep`] = sweep;
      figures['train.lora.bestRuntime'] = sweep.reduce((best, entry) => (entry.tokensPerSecond > best.tokensPerSecond ? entry : best));
    }
    figures['train.peakRssMB'] = Math.round(process.resourceUsage().maxRSS / 1024);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
