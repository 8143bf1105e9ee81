// The preview flow's engine side against a real worker process (engine/src/worker/main.ts through tsx): a reply
// streams as deltas whose concatenation is the result, greedy replies match `Generator` run in-process, the device is
// reported before the first token, cancellation ends a long generation early, and per-example scoring returns
// 0-based [line, loss] pairs and writes the loss file, and preference scores give both sides' log-probs per pair.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readScoringExamples } from '../../../engine/src/evaluate/dataset';
import { scorePairs } from '../../../engine/src/evaluate/preference';
import { Generator } from '../../../engine/src/generate/generator';
import { tokenizePairs } from '../../../engine/src/train/preference-data';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import type { GenerateStartedParams } from '../../../contracts/src/worker/generation-protocol';
import { GenerationClient } from '../../../extension/src/preview/generation-client';

let dir: string;
let model: string;
let client: GenerationClient;
const turns = [{ role: 'user', content: 'What is the capital of France?' }];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-preview-worker-'));
  model = join(dir, 'model');
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 7 });
  client = new GenerationClient({ command: process.execPath, args: ['--import', 'tsx', 'engine/src/worker/main.ts'] });
});
after(async () => {
  await client.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('a reply streams as deltas, names its device first, and equals in-process greedy decoding', async () => {
  const events: string[] = [];
  let started: GenerateStartedParams | undefined;
  const result = await client.generate(
    { model, turns, device: 'cpu', settings: { temperature: 0, maxNewTokens: 12 } },
    {
      onStarted: (params) => {
        started = params;
        events.push('started');
      },
      onDelta: (text) => events.push(text),
    },
  );
  assert.equal(started?.device, 'cpu');
  assert.equal(events[0], 'started');
  assert.equal(events.slice(1).join(''), result.text);
  assert.equal(result.device, 'cpu');
  assert.ok(result.generatedTokens > 0 && result.generatedTokens <= 12);

  const folder = loadModelFolder(model);
  const tokenizer = folder.tokenizer!;
  const generator = await Generator.create(folder, { device: 'cpu' });
  try {
    const prompt = tokenizer.encode(tokenizer.renderChat(turns.map((turn) => ({ ...turn, trained: false })), { addGenerationPrompt: true }));
    const stopTokenIds = [...new Set([...tokenizer.endOfTurnTokenIds, ...folder.generationConfig.eosTokenIds])];
    const stream = generator.generate(prompt, (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }), { temperature: 0, maxNewTokens: 12, stopTokenIds });
    let next = await stream.next();
    while (!next.done) next = await stream.next();
    assert.equal(result.text, next.value.text);
    assert.equal(result.generatedTokens, next.value.tokens.length);
  } finally {
    await generator.release();
  }
});

test('aborting ends a long generation early with finishReason cancelled', async () => {
  const controller = new AbortController();
  let deltas = 0;
  const result = await client.generate(
    { model, turns, device: 'cpu', settings: { temperature: 1, seed: 1, maxNewTokens: 400, stop: [] } },
    {
      signal: controller.signal,
      onDelta: () => {
        if (++deltas === 2) controller.abort();
      },
    },
  );
  assert.equal(result.finishReason, 'cancelled');
  assert.ok(result.generatedTokens < 400, `${result.generatedTokens} tokens`);
});

test('bad settings are refused with the reason; the worker keeps serving', async () => {
  await assert.rejects(client.generate({ model, turns, device: 'cpu', settings: { topP: 2 } }), /top-p/);
  const result = await client.generate({ model, turns, device: 'cpu', settings: { temperature: 0, maxNewTokens: 2 } });
  assert.ok(result.generatedTokens <= 2);
});

test('per-example scoring returns 0-based lines and writes the 1-based loss file', async () => {
  const data = join(dir, 'data.jsonl');
  const record = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });
  writeFileSync(data, `${record('Hi?', 'Hello.')}\n\n${record('Two plus two?', 'Four.')}\n`);
  const out = join(dir, 'per-example-loss.jsonl');
  const progress: number[] = [];
  const result = await client.perExampleLoss({ model, data, out, device: 'cpu', batchSize: 1 }, { onProgress: (done) => progress.push(done) });
  assert.deepEqual(result.losses.map(([line]) => line), [0, 2]);
  assert.ok(result.losses.every(([, loss]) => loss > 0 && Number.isFinite(loss)));
  assert.deepEqual(progress, [1, 2]);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((text) => JSON.parse(text) as { line: number });
  assert.deepEqual(lines.map((entry) => entry.line), [1, 3]);
});

test("preference scores give each chosen pair's completion log-probs, equal to the engine's own scoring", async () => {
  const data = join(dir, 'pairs.jsonl');
  const pair = (q: string, chosen: string, rejected: string) => JSON.stringify({ prompt: [{ role: 'user', content: q }], chosen: [{ role: 'assistant', content: chosen }], rejected: [{ role: 'assistant', content: rejected }] });
  writeFileSync(data, `${pair('Hi?', 'Hello.', 'Go away.')}\n${pair('Two plus two?', 'Four.', 'Five.')}\n${pair('Sky?', 'Blue.', 'Green.')}\n`);
  const result = await client.preferenceScores({ model, data, lines: [0, 2], device: 'cpu' });
  assert.deepEqual(result.pairs.map((entry) => entry.line), [0, 2]);
  // independently: the same pairs through the in-process scorer
  const folder = loadModelFolder(model);
  const examples = (await readScoringExamples(data, 512)).examples.filter((example) => example.line !== 1);
  const expected = (await scorePairs(folder, tokenizePairs(examples, folder.tokenizer!, 512, data).pairs, { device: 'cpu' })).scores;
  result.pairs.forEach((entry, index) => {
    assert.ok(entry.chosen < 0 && entry.rejected < 0);
    assert.ok(Math.abs(entry.chosen - expected[index].chosen) < 1e-9 && Math.abs(entry.rejected - expected[index].rejected) < 1e-9);
  });
});
