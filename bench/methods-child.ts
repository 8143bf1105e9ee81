// One training method's run for the methods suite (bench/methods.ts), in a process of its own so its peak RSS
// (getrusage's maxrss) is its own: a real `train()` run; prints one JSON line of figures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTrainingArguments, type Method } from '../contracts/src/training-arguments';
import { train } from '../engine/src/train/loop';

export interface MethodRunRequest {
  method: Method;
  model: string;
  data: string;
  out: string;
  steps: number;
  batchSize: number;
  maxSeqLen: number;
}

export interface MethodFigures {
  trainableParameters: number;
  /** Mean of the logged steps after the first (which sizes ORT's arena). */
  secondsPerStep: number;
  peakRssMB: number;
  firstLoss: number;
  lastLoss: number;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as MethodRunRequest;
  const args = resolveTrainingArguments([
    { model: request.model, data: request.data, out: request.out, method: request.method, steps: request.steps, batchSize: request.batchSize, maxSeqLen: request.maxSeqLen, saveEvery: 0, device: 'cpu', seed: 1, virtualTokens: 20 },
  ]);
  const result = await train(args);
  if (result.status !== 'done') throw new Error(`${request.method}: ${result.status} ${result.message ?? ''}`);
  const run = JSON.parse(readFileSync(join(request.out, 'run.json'), 'utf8')) as { resolved: { trainableParameters: number } };
  const steps = readFileSync(join(request.out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; loss: number; elapsedMs: number })
    .filter((event) => event.type === 'step');
  const durations = steps.slice(1).map((event, index) => (event.elapsedMs - steps[index].elapsedMs) / 1000);
  const figures: MethodFigures = {
    trainableParameters: run.resolved.trainableParameters,
    secondsPerStep: Number((durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length)).toFixed(3)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    firstLoss: steps[0].loss,
    lastLoss: steps[steps.length - 1].loss,
  };
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
