// Shared fixtures for the training tests: a tiny random Llama in a temp folder and a small chat dataset it can
// memorise in a few dozen steps. LoRA targets include lm_head: a random model's small output weights behind the
// final RMSNorm cap the logits, so attention-only adapters cannot move its loss far.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel } from '../../../engine/src/init/init-model';
import type { Arch } from '../../../engine/src/io/config';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { resolveTrainingArguments, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import type { RunEvent, StepEvent } from '../../../contracts/src/run/run-events';

export const FACTS: Array<[string, string]> = [
  ['What is the capital of France?', 'Paris.'],
  ['What color is the sky?', 'Blue.'],
  ['How many legs does a cat have?', 'Four.'],
  ['What is two plus two?', 'Four.'],
  ['Name a fruit.', 'An apple.'],
  ['What do bees make?', 'Honey.'],
  ['What is ice made of?', 'Water.'],
  ['Which animal barks?', 'A dog.'],
];

export function chatJsonl(pairs: ReadonlyArray<[string, string]>): string {
  return pairs.map(([question, answer]) => JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }] })).join('\n') + '\n';
}

export interface Fixture {
  dir: string;
  model: string;
  data: string;
  args(overrides: Partial<TrainingArgumentsInput> & { out: string }): ReturnType<typeof resolveTrainingArguments>;
  cleanup(): void;
}

export function createFixture(arch: Arch = 'llama'): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-train-'));
  const model = join(dir, 'model');
  initModel({ arch, size: 'tiny', out: model, seed: 1 });
  const data = join(dir, 'data.jsonl');
  writeFileSync(data, chatJsonl(FACTS));
  return {
    dir,
    model,
    data,
    args: (overrides) =>
      resolveTrainingArguments([{ model, data, method: 'lora', batchSize: 8, lr: 1e-2, rank: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'lm_head'], steps: 20, threads: 1, saveEvery: 0, device: 'cpu', ...overrides, out: join(dir, overrides.out) }]),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The step losses a run logged to metrics.jsonl, in order. */
export function stepLosses(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent)
    .filter((event): event is StepEvent => event.type === 'step')
    .map((event) => event.loss);
}

/**
 * A random tiny model's output weights (std 0.02 behind the final RMSNorm) cap its logits near ±1, so no input —
 * virtual tokens included — can move its loss far. Scaling lm_head gives the prompt something to steer.
 */
export function sharpenHead(dir: string, factor: number): void {
  const folder = loadModelFolder(dir);
  const tensors = folder.weights.names().map((name) => {
    const data = folder.weights.readFloat32(name);
    return { name, dtype: 'F32' as const, shape: [...folder.weights.info(name).shape], data: name === 'lm_head.weight' ? data.map((value) => value * factor) : data };
  });
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
}
