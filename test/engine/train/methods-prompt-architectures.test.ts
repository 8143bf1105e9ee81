// Prompt tuning, P-tuning and prefix tuning train on GPT-2, Gemma 2, Gemma 3 text and Phi-3 (tiny random models):
// a few optimizer steps on one fixed batch lower its loss, and gradient checkpointing gives the same losses for prefix
// tuning (whose prefixes are a captured input of every checkpointed layer). The windows (32) hold the whole batch
// row: with the fixtures' window of 4 the virtual tokens and prefixes reach only the first few positions of each
// layer, as in PEFT, and the loss barely moves. What the trained adapters compute is pinned against PEFT in models/peft-prompt-architectures.test.ts; the
// whole run (data, export, samples) in methods-prompt/-ptuning/-prefix.test.ts, the same code for every family.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveTrainingArguments, type TrainingArgumentsInput } from '../../../contracts/src/training-arguments';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { makeBatch } from '../../../engine/src/train/batching';
import { createPrefixPlan } from '../../../engine/src/train/methods/prefix';
import { createPromptPlan } from '../../../engine/src/train/methods/prompt';
import { createPtuningPlan } from '../../../engine/src/train/methods/ptuning';
import type { MethodPlan } from '../../../engine/src/train/methods/types';
import { createTrainingSession } from '../../../engine/src/train/step-graph';
import { writeTinyModel } from '../models/tiny-model';
import { partlyTrainedExamples } from './step-equality';

const STEPS = 20;

const SHARED = { vocab_size: 64, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 64 };
const CONFIGS: Record<string, Record<string, unknown>> = {
  gpt2: { model_type: 'gpt2', vocab_size: 64, n_embd: 16, n_inner: 24, n_layer: 2, n_head: 2, n_positions: 64 },
  gemma2: { ...SHARED, model_type: 'gemma2', head_dim: 8, query_pre_attn_scalar: 8, sliding_window: 32, attn_logit_softcapping: 50, final_logit_softcapping: 30 },
  gemma3_text: { ...SHARED, model_type: 'gemma3_text', head_dim: 8, query_pre_attn_scalar: 8, sliding_window: 32, sliding_window_pattern: 2, rope_local_base_freq: 100 },
  phi3: { ...SHARED, model_type: 'phi3', partial_rotary_factor: 0.5, sliding_window: 32 },
};

const METHODS: Record<'prompt' | 'ptuning' | 'prefix', { lr: number; plan: (model: ModelFolder, args: ReturnType<typeof resolveTrainingArguments>) => MethodPlan }> = {
  prompt: { lr: 3e-1, plan: createPromptPlan },
  ptuning: { lr: 3e-2, plan: createPtuningPlan },
  prefix: { lr: 3e-1, plan: createPrefixPlan },
};

/** The loss before each of STEPS steps on one batch. */
async function losses(model: ModelFolder, method: keyof typeof METHODS, overrides: Partial<TrainingArgumentsInput> = {}): Promise<number[]> {
  const { lr, plan } = METHODS[method];
  const args = resolveTrainingArguments([{ model: model.dir, data: 'unused.jsonl', out: join(model.dir, 'unused'), method, virtualTokens: 4, encoderHiddenSize: 16, lr, threads: 1, device: 'cpu', ...overrides }]);
  const data = partlyTrainedExamples(model.config.vocabSize);
  const batch = makeBatch(data, data.map((_, index) => index), 0);
  const session = await createTrainingSession(model, plan(model, args), args);
  try {
    const curve: number[] = [];
    for (let step = 1; step <= STEPS; step++) {
      const result = await session.step([batch], { learningRate: lr, step });
      assert.ok(result.applied, `step ${step} applied`);
      curve.push(result.loss);
    }
    return curve;
  } finally {
    await session.release();
  }
}

for (const [arch, config] of Object.entries(CONFIGS)) {
  describe(arch, () => {
    let tiny: ReturnType<typeof writeTinyModel>;
    let model: ModelFolder;
    before(() => {
      tiny = writeTinyModel(config, 2);
      model = loadModelFolder(tiny.dir, { requireTokenizer: false });
    });
    after(() => tiny.cleanup());

    for (const method of ['prompt', 'ptuning', 'prefix'] as const) {
      test(`${method} tuning lowers the loss`, async () => {
        const curve = await losses(model, method);
        assert.ok(curve.at(-1)! < curve[0] * 0.95, `loss ${curve[0]} → ${curve.at(-1)}`);
        console.log(`${arch} ${method}: loss ${curve[0].toFixed(3)} → ${curve.at(-1)!.toFixed(3)}`);
        if (method === 'prefix') {
          const checkpointed = await losses(model, method, { gradientCheckpointing: true });
          assert.ok(checkpointed.every((loss, index) => Math.abs(loss - curve[index]) < 1e-5 * curve[index]), `checkpointed ${checkpointed} vs ${curve}`);
        }
      });
    }
  });
}

test('--prompt-init text starts from what the embedding module returns: GPT-2\'s wte rows, Gemma\'s × √hidden', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finetune-prompt-init-'));
  try {
    initModel({ arch: 'gpt2', size: 'tiny', out: join(dir, 'gpt2'), seed: 1 });
    const gpt2 = loadModelFolder(join(dir, 'gpt2'));
    const gemma = writeTinyModel({ ...CONFIGS.gemma2, vocab_size: gpt2.config.vocabSize });
    try {
      for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(dir, 'gpt2', file), join(gemma.dir, file));
      for (const [folder, name, scale] of [[gpt2, 'transformer.wte.weight', 1], [loadModelFolder(gemma.dir), 'model.embed_tokens.weight', Math.fround(Math.sqrt(16))]] as const) {
        const ids = folder.tokenizer!.encode('the sky', { addSpecialTokens: true });
        const value = createPromptPlan(folder, { virtualTokens: ids.length + 1, promptInit: 'text:"the sky"', seed: 1 }).trainable[0].value;
        const embedding = folder.weights.readFloat32(name);
        const hidden = folder.config.hiddenSize;
        for (let token = 0; token <= ids.length; token++) {
          const id = ids[token % ids.length];
          const expected = embedding.subarray(id * hidden, (id + 1) * hidden).map((x) => Math.fround(x * scale));
          assert.deepEqual(value.subarray(token * hidden, (token + 1) * hidden), expected, `${folder.config.arch} virtual token ${token}`);
        }
      }
    } finally {
      gemma.cleanup();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
