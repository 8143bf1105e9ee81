// The training methods side by side on one model: trainable parameters, mean step time, peak RSS and the loss after
// N steps, each method a real `train()` run in a process of its own (so its peak RSS, getrusage maxrss, is its own).
// Same data, batches, steps and seed for all; each method at its default learning rate; LoRA/QLoRA r=8 on q/v.
// Usage: node --import tsx bench/methods.ts [--model DIR] [--steps N] [--batch-size N] [--max-seq-len N] [--json]
// (default: a fresh `init-model --size bench` llama, 20 steps of 4 × ≤256 tokens from examples/chat.jsonl).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { METHODS, resolveTrainingArguments, type Method } from '../contracts/src/training-arguments';
import { initModel } from '../engine/src/init/init-model';
import { train } from '../engine/src/train/loop';

interface ChildRequest {
  method: Method;
  model: string;
  data: string;
  out: string;
  steps: number;
  batchSize: number;
  maxSeqLen: number;
}

interface MethodFigures {
  method: Method;
  trainableParameters: number;
  /** Mean of the logged steps after the first (which sizes ORT's arena). */
  secondsPerStep: number;
  peakRssMB: number;
  firstLoss: number;
  lastLoss: number;
}

/** One method's run, in this (child) process; prints one JSON line. */
async function runChild(request: ChildRequest): Promise<void> {
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
    method: request.method,
    trainableParameters: run.resolved.trainableParameters,
    secondsPerStep: Number((durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length)).toFixed(3)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    firstLoss: steps[0].loss,
    lastLoss: steps[steps.length - 1].loss,
  };
  console.log(JSON.stringify(figures));
}

function table(rows: MethodFigures[]): string {
  const lines = ['| method | trainable parameters | s/step | peak RSS | loss first → last |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| ${row.method} | ${row.trainableParameters.toLocaleString('en-US')} | ${row.secondsPerStep.toFixed(2)} | ${(row.peakRssMB / 1024).toFixed(2)} GB | ${row.firstLoss.toFixed(3)} → ${row.lastLoss.toFixed(3)} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return runChild(JSON.parse(process.argv[3]) as ChildRequest);
  const { values } = parseArgs({ options: { model: { type: 'string' }, steps: { type: 'string', default: '20' }, 'batch-size': { type: 'string', default: '4' }, 'max-seq-len': { type: 'string', default: '256' }, json: { type: 'boolean', default: false } } });
  const scratch = mkdtempSync(join(tmpdir(), 'finetune-bench-methods-'));
  try {
    const model = values.model ?? join(scratch, 'model');
    if (!values.model) initModel({ arch: 'llama', size: 'bench', out: model, seed: 0 });
    const rows: MethodFigures[] = [];
    for (const method of METHODS) {
      const request: ChildRequest = { method, model, data: join(import.meta.dirname, '..', 'examples', 'chat.jsonl'), out: join(scratch, method), steps: Number(values.steps), batchSize: Number(values['batch-size']), maxSeqLen: Number(values['max-seq-len']) };
      const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', JSON.stringify(request)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${method}: ${child.stderr}`);
      rows.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as MethodFigures);
      if (!values.json) console.error(`${method}: done`);
    }
    console.log(values.json ? JSON.stringify(rows, null, 1) : table(rows));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
