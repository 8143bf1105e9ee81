// PEFT's own PROMPT_TUNING and PREFIX_TUNING adapters on GPT-2, Gemma 2, Gemma 3 text and Phi-3
// (reference/architectures/make_prompt_learning_fixtures.py, on the golden folders' tiny random models) load here as
// virtual tokens and per-layer prefixes: they give PEFT's per-token log-probs, the KV-cache graph generation uses
// reproduces the plain forward position by position (virtual tokens / prefixes as a cached prefix, real positions
// shifted by P), and greedy generation gives PEFT's tokens. The fixtures pin what differs between the families:
// GPT-2's learned positions for the virtual tokens, Gemma's √hidden scale (the real tokens' only), Gemma 2's soft-caps,
// Gemma 3's q/k norms and local RoPE, Phi-3's partial rotary, and windows (4) the sequences outgrow.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { readPeftAdapter, type PeftAdapter } from '../../../engine/src/adapters/peft';
import { Generator } from '../../../engine/src/generate/generator';
import { tensor } from '../../../engine/src/graph';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { NAMES } from '../../../engine/src/models/types';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';
import { worstLogprobDifference, type ScoredSequence } from './peft-logprobs';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

interface Expected {
  tolerance: number;
  virtualTokens: number;
  sequences: ScoredSequence[];
  generation: { prompt: number[]; tokens: number[] };
}

/** Largest |cached last-position logits − full logits| over every position of `ids`, decoding one token at a time after a prefill of 2. */
async function worstCachedDifference(folder: ModelFolder, adapter: PeftAdapter, ids: number[]): Promise<number> {
  const full = (await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' }, adapter }).graph, { device: 'cpu' })).session;
  const cached = (await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'last-logits' }, kvCache: true, positionIds: 'input', adapter }).graph, { device: 'cpu' })).session;
  try {
    const { numLayers, numKvHeads, headDim, vocabSize } = folder.config;
    const reference = (await full.run({ input_ids: tensor('int64', [1, ids.length], ids), attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)) })).logits.data as Float32Array;
    const prefill = 2;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: tensor('int64', [1, prefill], ids.slice(0, prefill)),
      attention_mask: tensor('int64', [1, prefill], [1, 1]),
      position_ids: tensor('int64', [1, prefill], [0, 1]),
    };
    for (let layer = 0; layer < numLayers; layer++) {
      feeds[NAMES.pastKey(layer)] = tensor('float32', [1, numKvHeads, 0, headDim], new Float32Array(0));
      feeds[NAMES.pastValue(layer)] = tensor('float32', [1, numKvHeads, 0, headDim], new Float32Array(0));
    }
    let worst = 0;
    for (let position = prefill - 1; position < ids.length; position++) {
      const out = await cached.run(feeds);
      assert.deepEqual(out[NAMES.presentKey(0)].dims, [1, numKvHeads, position + 1, headDim], 'the cache handed back covers the real tokens only');
      const logits = out.logits.data as Float32Array;
      for (let v = 0; v < vocabSize; v++) worst = Math.max(worst, Math.abs(logits[v] - reference[position * vocabSize + v]));
      if (position + 1 === ids.length) break;
      feeds.input_ids = tensor('int64', [1, 1], [ids[position + 1]]);
      feeds.attention_mask = tensor('int64', [1, position + 2], new Array<number>(position + 2).fill(1));
      feeds.position_ids = tensor('int64', [1, 1], [position + 1]);
      for (let layer = 0; layer < numLayers; layer++) {
        feeds[NAMES.pastKey(layer)] = out[NAMES.presentKey(layer)];
        feeds[NAMES.pastValue(layer)] = out[NAMES.presentValue(layer)];
      }
    }
    return worst;
  } finally {
    await full.release();
    await cached.release();
  }
}

async function greedyTokens(folder: ModelFolder, adapter: PeftAdapter, prompt: number[], count: number): Promise<number[]> {
  const generator = await Generator.create(folder, { adapter, device: 'cpu', runtime: { intraOpThreads: 1 } });
  try {
    const stream = generator.generate(prompt, () => '', { maxNewTokens: count, temperature: 0, stopTokenIds: [] });
    let next = await stream.next();
    while (!next.done) next = await stream.next();
    return next.value.tokens;
  } finally {
    await generator.release();
  }
}

for (const arch of ['gpt2', 'gemma2', 'gemma3-text', 'phi3']) {
  describe(`prompt learning on ${arch}`, () => {
    let folder: ModelFolder;
    before(() => {
      folder = loadModelFolder(join(FIXTURES, 'golden', arch), { requireTokenizer: false });
    });

    for (const method of ['prompt', 'prefix'] as const) {
      test(`PEFT's ${method === 'prompt' ? 'PROMPT_TUNING' : 'PREFIX_TUNING'} adapter scores, decodes from the cache and generates as in PEFT`, async () => {
        const fixture = join(FIXTURES, 'roundtrip', `peft-${arch}-${method}`);
        const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as Expected;
        const adapter = readPeftAdapter(join(fixture, 'adapter'));
        assert.equal((method === 'prompt' ? adapter.prompt : adapter.prefix)?.numVirtualTokens, expected.virtualTokens);

        const worst = await worstLogprobDifference(folder, adapter, expected.sequences);
        assert.ok(worst <= expected.tolerance, `max |log-prob difference| ${worst} > ${expected.tolerance}`);
        const cached = await worstCachedDifference(folder, adapter, expected.sequences.at(-1)!.ids);
        assert.ok(cached <= 1e-4, `KV-cache decode vs full forward: max |logit difference| ${cached}`);
        console.log(`${arch} ${method}: log-probs vs PEFT ${worst.toExponential(2)}, cached vs full logits ${cached.toExponential(2)}`);

        const { prompt, tokens } = expected.generation;
        assert.deepEqual(await greedyTokens(folder, adapter, prompt, tokens.length), tokens, "PEFT's greedy tokens");
      });
    }
  });
}
