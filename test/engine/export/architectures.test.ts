// `finetune export` on GPT-2, Gemma 2, Gemma 3 text and Phi-3 with the LoRA adapters PEFT wrote for them
// (test/fixtures/roundtrip/peft-<arch>): the merged folder gives the logits of base + adapter run as a separate branch,
// its tensors are the ones PEFT's merge_and_unload saves (test/fixtures/roundtrip/peft-merged.json, from
// reference/architectures/make_merge_fixtures.py: GPT-2's Conv1D deltas transposed, fused c_attn / qkv_proj /
// gate_up_proj, tied heads left tied), and the ONNX export's KV-cache decode — prefill, then one token at a time past
// the sliding window of 4 — gives the merged logits (soft-caps, sliding windows, Gemma 3's local RoPE and Phi-3's
// partial rotary inside the graph). A LoRA on a tied lm_head is refused in one line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { exportHuggingFace } from '../../../engine/src/export/hf';
import { exportOnnx } from '../../../engine/src/export/onnx';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { readSafetensorsHeader } from '../../../engine/src/io/safetensors';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { buildInferenceGraph } from '../../../engine/src/models/from-folder';
import { logitsOf, maxDifference, runCached, unmergedLogits } from './unmerged';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const TOLERANCE = 1e-4;

interface TensorChecksums {
  shape: number[];
  sum: number;
  abs: number;
  weighted: number;
}
interface MergedFixture {
  ids: number[];
  architectures: Record<string, { tensors: Record<string, TensorChecksums>; logprobs: (number | null)[]; tieWordEmbeddings: boolean }>;
}
const fixture = JSON.parse(readFileSync(join(FIXTURES, 'roundtrip', 'peft-merged.json'), 'utf8')) as MergedFixture;
const ids = fixture.ids;

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'finetune-export-arch-'))));
after(() => rmSync(dir, { recursive: true, force: true }));




/** The fixture's checksums of a flattened tensor, in float64: Σx, Σ|x| and Σx·(((i·7919) mod 13) − 6). */
function checksums(data: Float32Array): { sum: number; abs: number; weighted: number } {
  let sum = 0;
  let abs = 0;
  let weighted = 0;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    abs += Math.abs(data[i]);
    weighted += data[i] * (((i * 7919) % 13) - 6);
  }
  return { sum, abs, weighted };
}

function logSoftmaxAt(logits: Float32Array, row: number, vocab: number, token: number): number {
  const slice = logits.subarray(row * vocab, (row + 1) * vocab);
  const max = slice.reduce((m, v) => Math.max(m, v), -Infinity);
  const sum = slice.reduce((s, v) => s + Math.exp(v - max), 0);
  return slice[token] - max - Math.log(sum);
}

/** The measured max differences, printed at the end (README figures). */
const measured: Record<string, Record<string, number>> = {};
after(() => console.log(`measured max |difference|: ${JSON.stringify(measured)}`));

for (const arch of ['gpt2', 'gemma2', 'gemma3-text', 'phi3']) {
  describe(`export ${arch}`, () => {
    const base = join(FIXTURES, 'golden', arch);
    const adapter = join(FIXTURES, 'roundtrip', `peft-${arch}`, 'adapter');
    const expected = fixture.architectures[arch];
    let reference: Float32Array;
    let merged: Float32Array;
    before(async () => {
      reference = await unmergedLogits(base, adapter, ids);
      measured[arch] = {};
    });

    test('the merged folder gives base + adapter logits and holds the tensors PEFT merge_and_unload saves', async () => {
      const out = join(dir, `${arch}-hf`);
      const result = exportHuggingFace({ model: base, adapter, out });
      assert.equal(result.mergedModules, readPeftAdapter(adapter).modules.size);
      // The config is the base's byte for byte (same dtype): re-serialising would write 3.0 as 3, which transformers 5
      // refuses for Gemma 2's final_logit_softcapping.
      assert.equal(readFileSync(join(out, 'config.json'), 'utf8'), readFileSync(join(base, 'config.json'), 'utf8'));
      const folder = loadModelFolder(out, { requireTokenizer: false });
      assert.equal(folder.config.tieWordEmbeddings, expected.tieWordEmbeddings);
      merged = await logitsOf(buildInferenceGraph(folder, { output: { kind: 'logits' } }).graph, ids);
      const plain = await logitsOf(buildInferenceGraph(loadModelFolder(base, { requireTokenizer: false }), { output: { kind: 'logits' } }).graph, ids);
      measured[arch].mergedVsUnmerged = maxDifference(merged, reference);
      assert.ok(measured[arch].mergedVsUnmerged < TOLERANCE, `merged vs base + adapter: ${measured[arch].mergedVsUnmerged}`);
      assert.ok(maxDifference(merged, plain) > 1e-2, 'the adapter changes the logits');

      // PEFT's merged weights: the same tensor names (no lm_head written for a tied head) and values.
      const header = readSafetensorsHeader(join(out, 'model.safetensors'));
      assert.deepEqual([...header.tensors.keys()].sort(), Object.keys(expected.tensors).sort());
      let worstChecksum = 0;
      for (const [name, want] of Object.entries(expected.tensors)) {
        assert.deepEqual([...header.tensors.get(name)!.shape], want.shape, name);
        const got = checksums(folder.weights.readFloat32(name));
        for (const key of ['sum', 'abs', 'weighted'] as const) {
          const difference = Math.abs(got[key] - want[key]) / Math.max(1, Math.abs(want[key]));
          worstChecksum = Math.max(worstChecksum, difference);
          assert.ok(difference < 1e-5, `${name} ${key}: ${got[key]} vs PEFT's ${want[key]}`);
        }
      }
      measured[arch].checksum = worstChecksum;
      const vocab = folder.config.vocabSize;
      let worst = 0;
      for (let t = 1; t < ids.length; t++) worst = Math.max(worst, Math.abs(logSoftmaxAt(merged, t - 1, vocab, ids[t]) - expected.logprobs[t]!));
      measured[arch].logprobsVsPeftMerged = worst;
      assert.ok(worst < TOLERANCE, `log-probs vs PEFT's merged model: ${worst}`);
    });

    test('the ONNX export decodes through its KV cache to the merged logits', async () => {
      const out = join(dir, `${arch}-onnx`);
      exportOnnx({ model: base, adapter, out });
      const config = loadModelFolder(base, { requireTokenizer: false }).config;
      const { vocabSize } = config;
      const session = await ort.InferenceSession.create(join(out, 'model.onnx'), { intraOpNumThreads: 1 });
      try {
        let past: Record<string, ort.Tensor> | undefined;
        const logits = new Float32Array(ids.length * vocabSize);
        // Prefill three tokens, then one at a time: the cache outgrows the window of 4.
        for (let start = 0; start < ids.length; start = start === 0 ? 3 : start + 1) {
          const chunk = ids.slice(start, start === 0 ? 3 : start + 1);
          past = await runCached(session, config, chunk, start, past);
          logits.set(past.logits.data as Float32Array, start * vocabSize);
        }
        measured[arch].onnxVsUnmerged = maxDifference(logits, reference);
        assert.ok(measured[arch].onnxVsUnmerged < TOLERANCE, `ONNX KV-cache decode vs base + adapter: ${measured[arch].onnxVsUnmerged}`);
        if (merged) measured[arch].onnxVsMerged = maxDifference(logits, merged);
      } finally {
        await session.release();
      }
    });
  });
}

test('a LoRA on a tied lm_head is refused in one line, and nothing is written', () => {
  const base = join(FIXTURES, 'golden', 'gpt2');
  const adapter = join(dir, 'tied-head-adapter');
  mkdirSync(adapter);
  const config = JSON.parse(readFileSync(join(FIXTURES, 'roundtrip', 'peft-gpt2', 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(adapter, 'adapter_config.json'), JSON.stringify({ ...config, fan_in_fan_out: false, target_modules: ['lm_head'] }));
  const { hiddenSize, vocabSize } = loadModelFolder(base, { requireTokenizer: false }).config;
  writeSafetensors(join(adapter, 'adapter_model.safetensors'), [
    { name: 'base_model.model.lm_head.lora_A.weight', dtype: 'F32', shape: [4, hiddenSize], data: new Float32Array(4 * hiddenSize).fill(0.1) },
    { name: 'base_model.model.lm_head.lora_B.weight', dtype: 'F32', shape: [vocabSize, 4], data: new Float32Array(4 * vocabSize).fill(0.1) },
  ], { format: 'pt' });
  for (const run of [() => exportHuggingFace({ model: base, adapter, out: join(dir, 'never') }), () => exportOnnx({ model: base, adapter, out: join(dir, 'never') })]) {
    assert.throws(run, (error: Error) => /targets lm_head, which this model ties to its input embeddings/.test(error.message) && !error.message.includes('\n'));
  }
  assert.throws(() => readFileSync(join(dir, 'never', 'config.json')));
});
