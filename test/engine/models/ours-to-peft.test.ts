// The engine → PEFT direction of the Hugging Face round trip: adapters `finetune train` wrote (rsLoRA on q/v/o/down
// and lm_head; prompt tuning; P-tuning; prefix tuning), loaded by PeftModel.from_pretrained on the same init-model base, gave the log-probs in
// test/fixtures/roundtrip/ours-to-peft/expected.json (reference/roundtrip/make_export_fixture.py). The engine must
// give the same ids (transformers' tokenizer) and log-probs, so what we export is what PEFT runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { worstLogprobDifference } from './peft-logprobs';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'ours-to-peft');

interface Expected {
  tolerance: number;
  cases: { adapter: 'lora' | 'prompt' | 'ptuning' | 'prefix'; text: string; ids: number[]; logprobs: (number | null)[] }[];
}

test('adapters the engine writes give, in PEFT, the log-probs the engine computes', async () => {
  const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
  const dir = mkdtempSync(join(tmpdir(), 'finetune-ours-to-peft-'));
  try {
    initModel({ arch: 'qwen2', size: 'tiny', out: dir, seed: 0, force: true });
    const folder = loadModelFolder(dir);
    for (const name of ['lora', 'prompt', 'ptuning', 'prefix'] as const) {
      const adapter = readPeftAdapter(join(FIXTURE, name));
      const cases = expected.cases.filter((entry) => entry.adapter === name);
      for (const { text, ids } of cases) assert.deepEqual(folder.tokenizer!.encode(text), ids, `${name}: transformers' ids for ${JSON.stringify(text)}`);
      const worst = await worstLogprobDifference(folder, adapter, cases);
      assert.ok(worst <= expected.tolerance, `${name}: max |log-prob difference| ${worst}`);
      console.log(`${name} adapter in PEFT vs the engine: max |log-prob difference| ${worst.toExponential(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
