// The methods suite: every training method side by side on one model — trainable parameters, mean step time, peak
// RSS and the loss after N steps — each a real `train()` run in a fresh process (bench/methods-child.ts), one at a
// time. Same data, batches, steps and seed for all; each method at its default learning rate; LoRA/QLoRA r=8 on q/v,
// 20 virtual tokens. Default: a fresh `init-model --size bench` llama, 20 steps of 4 × ≤256 tokens of examples/chat.jsonl.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHODS } from '../contracts/src/training-arguments';
import { initModel } from '../engine/src/init/init-model';
import type { MethodFigures, MethodRunRequest } from './methods-child';
import { repositoryRoot } from './repository-root';

export interface MethodsOptions {
  size?: 'tiny' | 'bench';
  steps?: number;
}

export async function benchMethods(options: MethodsOptions = {}): Promise<Record<string, number | string>> {
  const root = repositoryRoot();
  const size = options.size ?? 'bench';
  const steps = options.steps ?? 20;
  const scratch = mkdtempSync(join(tmpdir(), 'finetune-bench-methods-'));
  try {
    const model = join(scratch, 'model');
    initModel({ arch: 'llama', size, out: model, seed: 0 });
    const figures: Record<string, number | string> = { 'methods.model': `llama ${size}`, 'methods.steps': steps };
    for (const method of METHODS) {
      const request: MethodRunRequest = { method, model, data: join(root, 'examples', 'chat.jsonl'), out: join(scratch, method), steps, batchSize: 4, maxSeqLen: 256 };
      const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'methods-child.ts'), JSON.stringify(request)], { cwd: root, encoding: 'utf8' });
      if (child.status !== 0) {
        figures[`methods.${method}.error`] = child.stderr.trim().split('\n').at(-1) ?? `exit ${child.status}`;
        continue;
      }
      const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as MethodFigures;
      for (const [key, value] of Object.entries(row)) figures[`methods.${method}.${key}`] = value;
    }
    return figures;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
