// `--init-adapter DIR`: a run starts from given PEFT weights. Against PyTorch + PEFT
// (reference/roundtrip/make_training_fixture.py): from PEFT's own freshly initialised adapter (q/v and lm_head, saved
// with lm_head's base_layer), on the engine's tokens, one batch, constant lr, no clipping, the loss curve must be
// PEFT's step by step. Prompt tuning continues from a previous run's adapter.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { initModel } from '../../../engine/src/init/init-model';
import { resolveTrainingArguments, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import { train } from '../../../engine/src/train/loop';
import type { RunEvent, StepEvent } from '../../../contracts/src/run/run-events';
import { createFixture } from './helpers';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-steps');

interface Expected {
  settings: { rank: number; alpha: number; lr: number; steps: number; beta1: number; beta2: number; adamEpsilon: number; weightDecay: number };
  examples: number;
  losses: number[];
}

function stepLosses(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent)
    .filter((event): event is StepEvent => event.type === 'step')
    .map((event) => event.loss);
}

test('a LoRA run from PEFT\'s initial adapter follows PEFT + PyTorch AdamW step by step', async () => {
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
  const dir = mkdtempSync(join(tmpdir(), 'finetune-init-adapter-'));
  try {
    const model = join(dir, 'model');
    initModel({ arch: 'qwen2', size: 'tiny', out: model, seed: 0 });
    const { settings } = expected;
    const run = (out: string, extra: Partial<TrainingArgumentsInput>) =>
      train(
        resolveTrainingArguments([
          {
            model, data: join(FIXTURE, 'data.jsonl'), out: join(dir, out), method: 'lora', steps: settings.steps,
            batchSize: expected.examples, lr: settings.lr, warmupSteps: 0, minLrRatio: 1, maxGradNorm: 0,
            weightDecay: settings.weightDecay, beta1: settings.beta1, beta2: settings.beta2, adamEpsilon: settings.adamEpsilon,
            dropout: 0, threads: 1, saveEvery: 0, device: 'cpu', ...extra,
          },
        ]),
      );
    // Rank, alpha and targets come from the adapter (the flags' defaults, r=8 on q/v, would not fit it).
    const result = await run('peft-start', { initAdapter: join(FIXTURE, 'init-adapter') });
    assert.equal(result.status, 'done', result.message);
    const ours = stepLosses(join(dir, 'peft-start'));
    const worst = Math.max(...ours.map((loss, step) => Math.abs(loss - expected.losses[step]) / expected.losses[step]));
    assert.equal(ours.length, expected.losses.length);
    assert.ok(worst < 2e-5, `losses ${ours.join(', ')} vs PEFT ${expected.losses.join(', ')}: max relative difference ${worst}`);
    console.log(`init-adapter vs PEFT: ${ours.length} steps, max relative loss difference ${worst.toExponential(2)}`);
    const written = readPeftAdapter(join(dir, 'peft-start', 'adapter'));
    assert.deepEqual([written.config!.r, written.config!.loraAlpha, [...written.config!.targetModules].sort()], [settings.rank, settings.alpha, ['lm_head', 'q_proj', 'v_proj']]);

    // Without the adapter, the same run starts from its own random A: the first loss is the same (B = 0), later ones differ.
    await run('fresh', { rank: settings.rank, alpha: settings.alpha, targetModules: ['q_proj', 'v_proj', 'lm_head'] });
    const fresh = stepLosses(join(dir, 'fresh'));
    assert.ok(Math.abs(fresh[0] - ours[0]) < 1e-5 && Math.abs(fresh.at(-1)! - ours.at(-1)!) > 1e-4, `fresh ${fresh.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prompt tuning continues from a previous run\'s adapter; a LoRA adapter for --method prompt is refused', async () => {
  const fixture = createFixture();
  try {
    const first = fixture.args({ out: 'first', method: 'prompt', virtualTokens: 6, lr: 0.3, steps: 15 });
    assert.equal((await train(first)).status, 'done');
    const firstLosses = stepLosses(first.out);
    const adapter = join(first.out, 'adapter');
    // Continuing with a learning rate too small to move anything: the run starts (and stays) where the first ended.
    const again = fixture.args({ out: 'again', method: 'prompt', virtualTokens: 20, lr: 1e-9, steps: 1, initAdapter: adapter });
    assert.equal((await train(again)).status, 'done');
    const start = readPeftAdapter(adapter).prompt!;
    const continued = readPeftAdapter(join(again.out, 'adapter')).prompt!;
    assert.equal(continued.numVirtualTokens, 6, 'the adapter sets the number of virtual tokens');
    assert.ok(continued.embeddings.every((value, index) => Math.abs(value - start.embeddings[index]) < 1e-6));
    assert.ok(stepLosses(again.out)[0] < firstLosses[0] - 1e-3, `continued ${stepLosses(again.out)[0]} vs first ${firstLosses[0]}`);

    const lora = fixture.args({ out: 'lora', method: 'lora', steps: 1 });
    assert.equal((await train(lora)).status, 'done');
    const refused = await train(fixture.args({ out: 'refused', method: 'prompt', steps: 1, initAdapter: join(lora.out, 'adapter') })).catch((error: Error) => error);
    assert.ok(refused instanceof Error && /--init-adapter: .*LoRA adapter/.test(refused.message), String(refused));
  } finally {
    fixture.cleanup();
  }
});
