// Peak memory and tokens/s of LoRA training at real checkpoint shapes (Qwen2.5-0.5B, -1.5B: random weights in Qwen2
// layout, bench/shaped-model.ts), ours and transformers + PEFT side by side, for `npm run bench`. Every run is a
// fresh child process, one at a time (peak RSS is getrusage's maxrss of that process alone; two 0.5B runs side by
// side would also fight for the cores). The PyTorch side runs when FINETUNE_HF_PYTHON names a Python with torch,
// transformers and peft (reference/bench_hf_peft.py), and is skipped otherwise.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from './repository-root';
import { writeShapedModel, type ShapeName } from './shaped-model';

export const MEMORY_BENCH_CONFIG = { batchSize: 4, sequenceLength: 256, rank: 8, alpha: 16, targetModules: ['q_proj', 'v_proj'], threads: 2 } as const;

interface RunFigures {
  tokensPerSecond: number;
  secondsPerStep: number;
  peakRssMB: number;
  [key: string]: unknown;
}

/** Runs a command that prints one JSON line last; a failure becomes `{ error }` so one bad run does not end the bench. */
function runJson(command: string, args: string[], cwd: string): RunFigures | { error: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = result.stdout?.trim().split('\n').filter((text) => text.startsWith('{')).at(-1);
  if (result.status !== 0 || !line) return { error: `${command} exited ${result.status ?? result.signal}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  return JSON.parse(line) as RunFigures;
}

function ours(root: string, model: string, steps: number, gradientCheckpointing: boolean, frozenWeights: 'auto' | 'float32' = 'auto'): RunFigures | { error: string } {
  const { batchSize, sequenceLength, threads } = MEMORY_BENCH_CONFIG;
  const options = { model, batchSize, sequenceLength, steps, threads, args: { gradientCheckpointing, frozenWeights } };
  return runJson(process.execPath, ['--import', 'tsx', join(root, 'bench', 'train-memory-child.ts'), JSON.stringify(options)], root);
}

function transformers(root: string, python: string, model: string, steps: number, gradientCheckpointing: boolean): RunFigures | { error: string } {
  const { batchSize, sequenceLength, threads } = MEMORY_BENCH_CONFIG;
  const args = [join(root, 'reference', 'bench_hf_peft.py'), model, '--batch', String(batchSize), '--seq', String(sequenceLength), '--steps', String(steps), '--threads', String(threads)];
  return runJson(python, gradientCheckpointing ? [...args, '--gradient-checkpointing'] : args, root);
}

/** The figures worth a line each: tokens/s, s/step and peak RSS (or the error). */
function summarise(figures: Record<string, unknown>, key: string, run: RunFigures | { error: string }): void {
  if ('error' in run) {
    figures[`${key}.error`] = run.error;
    return;
  }
  figures[`${key}.tokensPerSecond`] = run.tokensPerSecond;
  figures[`${key}.secondsPerStep`] = run.secondsPerStep;
  figures[`${key}.peakRssMB`] = run.peakRssMB;
}

export interface MemoryBenchOptions {
  /** Shapes to run; the 1.5B runs ours with gradient checkpointing only (the "fits in 16 GB" figure). */
  shapes?: ShapeName[];
  /** Steps per run; the first is a warm-up and not timed. */
  steps?: number;
  /** Where the random models are kept between benches (written once: ~1 GB for 0.5B, ~3 GB for 1.5B). */
  modelCache?: string;
}

export async function benchTrainMemory(options: MemoryBenchOptions = {}): Promise<Record<string, unknown>> {
  const root = repositoryRoot();
  const steps = options.steps ?? 4;
  const cache = options.modelCache ?? join(tmpdir(), 'finetune-bench-models');
  const python = process.env.FINETUNE_HF_PYTHON;
  const figures: Record<string, unknown> = { 'memory.config': { ...MEMORY_BENCH_CONFIG, steps, hfPython: python ?? null } };
  if (!python) figures['memory.hf.skipped'] = 'set FINETUNE_HF_PYTHON to a Python with torch, transformers and peft for the side-by-side figures';
  for (const shape of options.shapes ?? (['qwen2.5-0.5b', 'qwen2.5-1.5b'] as const)) {
    const model = writeShapedModel(shape, join(cache, shape));
    const full = shape === 'qwen2.5-0.5b';
    if (full) summarise(figures, `memory.${shape}.ours`, ours(root, model, steps, false));
    // The same with the bf16 frozen weights widened to float32 once (what 16-bit weights save).
    if (full) summarise(figures, `memory.${shape}.ours.float32Weights`, ours(root, model, steps, false, 'float32'));
    summarise(figures, `memory.${shape}.ours.checkpointing`, ours(root, model, steps, true));
    if (python && full) {
      summarise(figures, `memory.${shape}.hf`, transformers(root, python, model, steps, false));
      summarise(figures, `memory.${shape}.hf.checkpointing`, transformers(root, python, model, steps, true));
    }
  }
  return figures;
}
