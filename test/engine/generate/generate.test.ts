// Generation through the KV-cache graph on tiny models made by init-model: greedy tokens equal re-running the full
// forward at every step; stop tokens, stop strings, seeds and cancellation behave as documented.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { tensor } from '../../../engine/src/graph';
import { Generator, type GenerateOptions, type GenerationSummary } from '../../../engine/src/generate/generator';
import { argmax } from '../../../engine/src/generate/sampling';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';

async function collect(generator: Generator, folder: ModelFolder, prompt: number[], options: GenerateOptions): Promise<{ deltas: string[]; summary: GenerationSummary }> {
  const decode = (ids: readonly number[]) => folder.tokenizer!.decode(ids, { skipSpecialTokens: true });
  const iterator = generator.generate(prompt, decode, options);
  const deltas: string[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { deltas, summary: next.value };
    deltas.push(next.value);
  }
}

for (const arch of ['llama', 'qwen3'] as const) {
  describe(`generation (${arch} tiny)`, () => {
    let dir: string;
    let folder: ModelFolder;
    let generator: Generator;
    let prompt: number[];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'finetune-generate-'));
      initModel({ arch, size: 'tiny', out: dir, seed: 5 });
      folder = loadModelFolder(dir);
      generator = await Generator.create(folder, { device: 'cpu' });
      prompt = folder.tokenizer!.encode('The quick brown fox');
    });
    after(async () => {
      await generator?.release();
      rmSync(dir, { recursive: true, force: true });
    });

    test('KV-cache greedy decoding equals re-running the full forward at each step', async () => {
      const { summary } = await collect(generator, folder, prompt, { temperature: 0, maxNewTokens: 24 });
      assert.equal(summary.tokens.length, 24);
      const { session } = await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { device: 'cpu' });
      try {
        const sequence = [...prompt];
        const vocab = folder.config.vocabSize;
        for (let step = 0; step < 24; step++) {
          const n = sequence.length;
          const out: Record<string, ort.Tensor> = await session.run({ input_ids: tensor('int64', [1, n], sequence), attention_mask: tensor('int64', [1, n], Array(n).fill(1)) });
          const last = (out.logits.data as Float32Array).subarray((n - 1) * vocab, n * vocab);
          sequence.push(argmax(last));
        }
        assert.deepEqual(summary.tokens, sequence.slice(prompt.length));
      } finally {
        await session.release();
      }
    });

    test('a stop token ends generation without being emitted', async () => {
      const { summary: free } = await collect(generator, folder, prompt, { temperature: 0, maxNewTokens: 8 });
      const stopAt = free.tokens.findIndex((token, index) => index >= 2 && !free.tokens.slice(0, index).includes(token));
      assert.ok(stopAt >= 2, 'needs a token that first appears after position 2');
      const { summary } = await collect(generator, folder, prompt, { temperature: 0, maxNewTokens: 8, stopTokenIds: [free.tokens[stopAt]] });
      assert.equal(summary.finishReason, 'stop-token');
      assert.deepEqual(summary.tokens, free.tokens.slice(0, stopAt));
    });

    test('a stop string cuts the text before it', async () => {
      const { summary: free } = await collect(generator, folder, prompt, { temperature: 0, maxNewTokens: 30 });
      const text = free.text;
      const clean = [...text].findIndex((_, i) => i >= 3 && /^[\w ]{2}$/u.test(text.slice(i, i + 2)));
      assert.ok(clean > 0, `greedy text ${JSON.stringify(text)} has no plain two-character stretch`);
      const stop = text.slice(clean, clean + 2);
      const { deltas, summary } = await collect(generator, folder, prompt, { temperature: 0, maxNewTokens: 30, stopStrings: [stop] });
      assert.equal(summary.finishReason, 'stop-string');
      assert.equal(summary.text, text.slice(0, text.indexOf(stop)));
      assert.equal(deltas.join(''), summary.text);
    });

    test('seeded sampling is reproducible and the seed matters', async () => {
      const options = { temperature: 1.2, topP: 0.95, topK: 50, maxNewTokens: 16 };
      const first = await collect(generator, folder, prompt, { ...options, seed: 7 });
      const again = await collect(generator, folder, prompt, { ...options, seed: 7 });
      const other = await collect(generator, folder, prompt, { ...options, seed: 8 });
      assert.deepEqual(first.summary.tokens, again.summary.tokens);
      assert.equal(first.deltas.join(''), again.deltas.join(''));
      assert.notDeepEqual(first.summary.tokens, other.summary.tokens);
    });

    test('aborting stops the stream', async () => {
      const controller = new AbortController();
      const decode = (ids: readonly number[]) => folder.tokenizer!.decode(ids, { skipSpecialTokens: true });
      const iterator = generator.generate(prompt, decode, { temperature: 0, maxNewTokens: 50, signal: controller.signal });
      await iterator.next();
      controller.abort();
      let result = await iterator.next();
      while (!result.done) result = await iterator.next();
      assert.equal(result.value.finishReason, 'cancelled');
      assert.ok(result.value.tokens.length < 50);
    });
  });
}
