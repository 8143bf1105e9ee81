// The shared model runner: for every fixture folder under test/fixtures/golden (written by an independent PyTorch
// reference, see its README), build the inference graph, run it with onnxruntime on the CPU and compare the logits
// with transformers' within the fixture's tolerance. Each fixture is also run as a padded batch (right and left
// padding) and through the KV cache (prefill, then one token at a time), which must give the same logits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { tensor } from '../../../engine/src/graph';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { NAMES } from '../../../engine/src/models/types';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';

const GOLDEN_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');

interface Golden {
  tolerance: number;
  features: string[];
  sequences: { ids: number[]; logits: number[][] }[];
}

const fixtures = existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR).filter((name) => existsSync(join(GOLDEN_DIR, name, 'golden.json'))).sort() : [];

test('golden fixtures exist', () => {
  assert.ok(fixtures.length >= 3, `expected golden fixtures in ${GOLDEN_DIR}`);
});

/** Largest |a - b| between a row-major [seq, vocab] block and the expected rows. */
function maxDifference(actual: Float32Array, offset: number, expected: number[][]): number {
  let worst = 0;
  const vocab = expected[0].length;
  expected.forEach((row, t) => row.forEach((value, v) => (worst = Math.max(worst, Math.abs(actual[offset + t * vocab + v] - value)))));
  return worst;
}

for (const name of fixtures) {
  describe(`golden ${name}`, () => {
    const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, name, 'golden.json'), 'utf8')) as Golden;
    let folder: ModelFolder;
    let full: ort.InferenceSession;
    let cached: ort.InferenceSession;

    before(async () => {
      folder = loadModelFolder(join(GOLDEN_DIR, name), { requireTokenizer: false });
      full = (await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { device: 'cpu' })).session;
      const decode = buildInferenceGraph(folder, { output: { kind: 'last-logits' }, kvCache: true, positionIds: 'input' }).graph;
      cached = (await openGraphSession(decode, { device: 'cpu' })).session;
    });
    after(async () => {
      await full?.release();
      await cached?.release();
    });

    test('logits match transformers', async () => {
      for (const sequence of golden.sequences) {
        const n = sequence.ids.length;
        const out = await full.run({ input_ids: tensor('int64', [1, n], sequence.ids), attention_mask: tensor('int64', [1, n], Array(n).fill(1)) });
        const difference = maxDifference(out.logits.data as Float32Array, 0, sequence.logits);
        assert.ok(difference <= golden.tolerance, `${name}: ${n} tokens, max |difference| ${difference} > ${golden.tolerance}`);
      }
    });

    for (const side of ['right', 'left'] as const) {
      test(`a ${side}-padded batch gives each sequence its own logits`, async () => {
        const longest = Math.max(...golden.sequences.map((s) => s.ids.length));
        const ids: number[] = [];
        const mask: number[] = [];
        const positions: number[] = [];
        for (const sequence of golden.sequences) {
          const pad = longest - sequence.ids.length;
          const row = side === 'right' ? [...sequence.ids, ...Array(pad).fill(0)] : [...Array(pad).fill(0), ...sequence.ids];
          ids.push(...row);
          mask.push(...row.map((_, i) => Number(side === 'right' ? i < sequence.ids.length : i >= pad)));
          positions.push(...row.map((_, i) => (side === 'right' ? i : Math.max(0, i - pad))));
        }
        const batch = golden.sequences.length;
        // Right padding needs no positions (0..n-1 is right for the real tokens); left padding is run through the
        // cached graph with explicit positions, the way generation feeds a batch.
        const vocab = golden.sequences[0].logits[0].length;
        for (const [index, sequence] of golden.sequences.entries()) {
          let difference: number;
          if (side === 'right') {
            const out = await full.run({ input_ids: tensor('int64', [batch, longest], ids), attention_mask: tensor('int64', [batch, longest], mask) });
            difference = maxDifference(out.logits.data as Float32Array, index * longest * vocab, sequence.logits);
          } else {
            const out = await cached.run({
              input_ids: tensor('int64', [batch, longest], ids),
              attention_mask: tensor('int64', [batch, longest], mask),
              position_ids: tensor('int64', [batch, longest], positions),
              ...emptyPast(folder, batch),
            });
            // Last position only: compare with the golden's last row.
            difference = maxDifference(out.logits.data as Float32Array, index * vocab, sequence.logits.slice(-1));
          }
          assert.ok(difference <= golden.tolerance, `${name} ${side} padding, sequence ${index}: max |difference| ${difference}`);
        }
      });
    }

    test('KV-cache decoding reproduces every position', async () => {
      const sequence = golden.sequences[golden.sequences.length - 1];
      const prefill = Math.min(4, sequence.ids.length - 1);
      let feeds: Record<string, ort.Tensor> = {
        input_ids: tensor('int64', [1, prefill], sequence.ids.slice(0, prefill)),
        attention_mask: tensor('int64', [1, prefill], Array(prefill).fill(1)),
        position_ids: tensor('int64', [1, prefill], [...Array(prefill).keys()]),
        ...emptyPast(folder, 1),
      };
      for (let position = prefill - 1; position < sequence.ids.length; position++) {
        const out = await cached.run(feeds);
        const difference = maxDifference(out.logits.data as Float32Array, 0, [sequence.logits[position]]);
        assert.ok(difference <= golden.tolerance, `${name}: cached position ${position}: max |difference| ${difference}`);
        if (position + 1 >= sequence.ids.length) break;
        feeds = {
          input_ids: tensor('int64', [1, 1], [sequence.ids[position + 1]]),
          attention_mask: tensor('int64', [1, position + 2], Array(position + 2).fill(1)),
          position_ids: tensor('int64', [1, 1], [position + 1]),
        };
        for (let layer = 0; layer < folder.config.numLayers; layer++) {
          feeds[NAMES.pastKey(layer)] = out[NAMES.presentKey(layer)];
          feeds[NAMES.pastValue(layer)] = out[NAMES.presentValue(layer)];
        }
      }
    });
  });
}

function emptyPast(folder: ModelFolder, batch: number): Record<string, ort.Tensor> {
  const { numLayers, numKvHeads, headDim } = folder.config;
  const feeds: Record<string, ort.Tensor> = {};
  for (let layer = 0; layer < numLayers; layer++) {
    feeds[NAMES.pastKey(layer)] = tensor('float32', [batch, numKvHeads, 0, headDim], new Float32Array(0));
    feeds[NAMES.pastValue(layer)] = tensor('float32', [batch, numKvHeads, 0, headDim], new Float32Array(0));
  }
  return feeds;
}
