// One training measurement in a process of its own, so its peak RSS (getrusage maxrss) is this run's alone:
// `node --import tsx bench/train-memory-child.ts '<json options>'` prints one JSON line. Used by bench/train-memory.ts.
import { loadModelFolder } from '../engine/src/io/model-folder';
import { resolveTrainingArguments } from '../contracts/src/training-arguments';
import { makeBatch } from '../engine/src/train/batching';
import { createLoraPlan } from '../engine/src/train/methods/lora';
import { SeededRandom } from '../engine/src/train/random';
import { createTrainingSession } from '../engine/src/train/step-graph';

export interface ChildOptions {
  model: string;
  batchSize: number;
  sequenceLength: number;
  steps: number;
  threads: number;
  /** Extra training arguments (gradientCheckpointing, …). */
  args?: Record<string, unknown>;
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 ** 2);
const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(options: ChildOptions): Promise<void> {
  const model = loadModelFolder(options.model, { requireTokenizer: false });
  const args = resolveTrainingArguments([
    { model: options.model, data: '-', out: '-', batchSize: options.batchSize, rank: 8, alpha: 16, method: 'lora', targetModules: ['q_proj', 'v_proj'], threads: options.threads, device: 'cpu', ...options.args },
  ]);
  const plan = createLoraPlan(model, { ...args, seed: 1 });
  const started = performance.now();
  const session = await createTrainingSession(model, plan, args);
  const sessionSeconds = (performance.now() - started) / 1000;
  const afterSession = { rssMB: megabytes(process.memoryUsage().rss), peakMB: peakMB() };
  const random = new SeededRandom(7);
  const examples = Array.from({ length: options.batchSize }, (_, line) => ({
    line,
    ids: Array.from({ length: options.sequenceLength }, () => random.integer(model.config.vocabSize)),
    trainedMask: new Uint8Array(options.sequenceLength).fill(1),
  }));
  const batch = makeBatch(examples, examples.map((_, index) => index), 0, 1);
  const times: number[] = [];
  const losses: number[] = [];
  for (let step = 1; step <= options.steps; step++) {
    const begin = performance.now();
    const result = await session.step([batch], { learningRate: 1e-4, step });
    times.push((performance.now() - begin) / 1000);
    losses.push(result.loss);
  }
  // The first step sizes the memory arena and is slower; the rest are timed.
  const timed = times.length > 1 ? times.slice(1) : times;
  const secondsPerStep = timed.reduce((a, b) => a + b, 0) / timed.length;
  const tokens = options.batchSize * options.sequenceLength;
  console.log(JSON.stringify({ sessionSeconds: Number(sessionSeconds.toFixed(1)), afterSession, peakRssMB: peakMB(), secondsPerStep: Number(secondsPerStep.toFixed(3)), tokensPerSecond: Math.round(tokens / secondsPerStep), losses, stepSeconds: times.map((t) => Number(t.toFixed(2))) }));
  await session.release();
}

main(JSON.parse(process.argv[2]) as ChildOptions).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
