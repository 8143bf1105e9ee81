// Phi-3 longrope below the original length: golden/phi3-longrope covers the long factors (every test position lies
// beyond its original_max_position_embeddings of 2); this fixture, the same model with 64 original positions, must
// give transformers' logits with the short factors (reference/architectures/make_phi3_fixtures.py wrote both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../../engine/src/graph';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'phi3-longrope-short');

test('Phi-3 longrope within original_max_position_embeddings uses the short factors, as transformers does', async () => {
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as { tolerance: number; sequences: { ids: number[]; logits: number[][] }[] };
  const folder = loadModelFolder(FIXTURE, { requireTokenizer: false });
  assert.equal(folder.config.ropeScaling.type, 'longrope');
  const { session } = await openGraphSession(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, { device: 'cpu' });
  let worst = 0;
  for (const { ids, logits } of expected.sequences) {
    const out = await session.run({ input_ids: tensor('int64', [1, ids.length], ids), attention_mask: tensor('int64', [1, ids.length], ids.map(() => 1)) });
    const ours = out.logits.data as Float32Array;
    logits.flat().forEach((value, index) => (worst = Math.max(worst, Math.abs(ours[index] - value))));
  }
  await session.release();
  assert.ok(worst <= expected.tolerance, `max |difference| ${worst} > ${expected.tolerance}`);
});
