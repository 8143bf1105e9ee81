// Phi-3 longrope below the original length: golden/phi3-longrope covers the long factors (every test position lies
// beyond its original_max_position_embeddings of 2); this fixture, the same model with 64 original positions, must
// give transformers' logits with the short factors (reference/architectures/make_phi3_fixtures.py wrote both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '../../../engine/src/generate/generator';
import { tensor } from '../../../engine/src/graph';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { openGraphSession } from '../../../engine/src/runtime/graph-session';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'phi3-longrope-short');
const GENERATE_FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'phi3-longrope-generate');

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

test('Phi-3 longrope generation that crosses the original length equals full recomputation in transformers at every step', async () => {
  // the fixture's prompt makes full recomputation and a plain cached decode (the engine before the re-encode: the same
  // tokens as transformers' plain cached decode) part at the crossing
  const expected = JSON.parse(readFileSync(join(GENERATE_FIXTURE, 'expected.json'), 'utf8')) as { originalMaxPositionEmbeddings: number; prompt: number[]; tokens: number[]; withoutReencode: number[] };
  assert.notDeepEqual(expected.tokens, expected.withoutReencode);
  const dir = mkdtempSync(join(tmpdir(), 'finetune-longrope-generate-'));
  try {
    const config = JSON.parse(readFileSync(join(FIXTURE, 'config.json'), 'utf8'));
    config.original_max_position_embeddings = expected.originalMaxPositionEmbeddings;
    config.rope_parameters.original_max_position_embeddings = expected.originalMaxPositionEmbeddings;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    copyFileSync(join(FIXTURE, 'model.safetensors'), join(dir, 'model.safetensors'));
    const generator = await Generator.create(loadModelFolder(dir, { requireTokenizer: false }), { device: 'cpu' });
    const stream = generator.generate(expected.prompt, () => '', { maxNewTokens: expected.tokens.length, temperature: 0 });
    let next = await stream.next();
    while (!next.done) next = await stream.next();
    await generator.release();
    assert.deepEqual(next.value.tokens, expected.tokens);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
