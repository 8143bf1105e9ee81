// LoRA adapters PEFT itself wrote on the newer architectures (reference/architectures/make_*_fixtures.py), with
// PEFT's own target names, merged on load, must give PEFT's per-token log-probs. GPT-2's c_attn, c_proj and c_fc
// are Conv1D modules, so PEFT saved that adapter with fan_in_fan_out=true and the merge adds the transposed delta.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { mergedTensors } from '../../../engine/src/export/merge';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { worstLogprobDifference } from './peft-logprobs';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const ADAPTER = join(FIXTURES, 'roundtrip', 'peft-gpt2', 'adapter');
const BASE = join(FIXTURES, 'golden', 'gpt2');

interface Expected {
  tolerance: number;
  sequences: { ids: number[]; logprobs: (number | null)[] }[];
}

async function fixtureDifference(base: string, adapterFixture: string): Promise<{ worst: number; tolerance: number }> {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'roundtrip', adapterFixture, 'expected.json'), 'utf8')) as Expected;
  const folder = loadModelFolder(join(FIXTURES, 'golden', base), { requireTokenizer: false });
  const adapter = readPeftAdapter(join(FIXTURES, 'roundtrip', adapterFixture, 'adapter'));
  const worst = await worstLogprobDifference(folder, adapter, expected.sequences);
  return { worst, tolerance: expected.tolerance };
}

test('a PEFT fan_in_fan_out LoRA adapter on GPT-2 Conv1D modules (c_attn, c_proj, c_fc) gives PEFT log-probs', async () => {
  const adapter = readPeftAdapter(ADAPTER);
  assert.equal(adapter.modules.size, 8);
  const cFc = adapter.modules.get('transformer.h.0.mlp.c_fc')!;
  assert.deepEqual([cFc.outFeatures, cFc.inFeatures], [128, 32], 'A [r, in] and B [out, r] whatever the base layout');
  const { worst, tolerance } = await fixtureDifference('gpt2', 'peft-gpt2');
  assert.ok(worst <= tolerance, `max |log-prob difference| ${worst} > ${tolerance}`);
});

const ADAPTERS = [
  ['gemma2', 'q_proj, v_proj, gate_proj, down_proj'],
  ['gemma3-text', 'q_proj, k_proj, o_proj, up_proj'],
  ['phi3', 'qkv_proj, o_proj, gate_up_proj, down_proj'],
];
for (const [base, targets] of ADAPTERS) {
  test(`a PEFT LoRA adapter on ${base} (${targets}) gives PEFT log-probs`, async () => {
    const { worst, tolerance } = await fixtureDifference(base, `peft-${base}`);
    assert.ok(worst <= tolerance, `max |log-prob difference| ${worst} > ${tolerance}`);
  });
}

test('merging a GPT-2 adapter adds the transposed delta to the [in, out] weight only', () => {
  const folder = loadModelFolder(BASE, { requireTokenizer: false });
  const adapter = readPeftAdapter(ADAPTER);
  const byName = new Map(mergedTensors(folder, adapter).map((t) => [t.name, t]));
  const name = 'transformer.h.1.mlp.c_proj.weight'; // [in 128, out 32]
  const entry = byName.get(name)!;
  assert.ok(entry.merged);
  assert.deepEqual(entry.shape, [128, 32]);
  const base = folder.weights.readFloat32(name);
  const merged = entry.read();
  const lora = adapter.modules.get('transformer.h.1.mlp.c_proj')!;
  const [column, row] = [5, 7]; // stored [in, out]: element (in=5, out=7)
  let delta = 0;
  for (let k = 0; k < lora.rank; k++) delta += lora.b[row * lora.rank + k] * lora.a[k * lora.inFeatures + column];
  assert.ok(Math.abs(merged[column * 32 + row] - base[column * 32 + row] - lora.scale * delta) < 1e-6);
  assert.equal(byName.get('transformer.h.1.ln_1.weight')!.merged, false);
});
