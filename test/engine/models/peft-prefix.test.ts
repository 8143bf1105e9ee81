// PEFT's own PREFIX_TUNING adapters (test/fixtures/roundtrip/peft-prefix/<plain|projection>/adapter, trained 3 steps
// by reference/roundtrip/make_prefix_fixture.py on init-model's tiny qwen2, which has GQA) load here as per-layer
// key/value prefixes: they score texts as PEFT scored them, and greedy generation (the KV cache starting from the
// prefixes) gives PEFT's tokens. A merged export of one is refused in one line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { exportHuggingFace } from '../../../engine/src/export/hf';
import { Generator } from '../../../engine/src/generate/generator';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { worstLogprobDifference } from './peft-logprobs';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-prefix');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  tolerance: number;
  types: Record<'plain' | 'projection', { cases: { text: string; ids: number[]; logprobs: (number | null)[] }[]; generation: { prompt: number[]; tokens: number[] } }>;
};

let dir: string;
let folder: ModelFolder;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-peft-prefix-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'model'), seed: 0, force: true });
  folder = loadModelFolder(join(dir, 'model'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const type of ['plain', 'projection'] as const) {
  test(`PEFT's PREFIX_TUNING adapter (${type}) scores and generates here as in PEFT`, async () => {
    const adapter = readPeftAdapter(join(FIXTURE, type, 'adapter'));
    assert.equal(adapter.prefix?.numVirtualTokens, 4);
    const cases = expected.types[type].cases;
    for (const { text, ids } of cases) assert.deepEqual(folder.tokenizer!.encode(text), ids, `transformers' ids for ${JSON.stringify(text)}`);
    const worst = await worstLogprobDifference(folder, adapter, cases);
    assert.ok(worst <= expected.tolerance, `max |log-prob difference| ${worst}`);
    console.log(`PEFT's ${type} PREFIX_TUNING adapter here vs in PEFT: max |log-prob difference| ${worst.toExponential(2)}`);

    const { prompt, tokens } = expected.types[type].generation;
    const generator = await Generator.create(folder, { adapter, device: 'cpu', runtime: { intraOpThreads: 1 } });
    try {
      const stream = generator.generate(prompt, () => '', { maxNewTokens: tokens.length, temperature: 0, stopTokenIds: [] });
      let next = await stream.next();
      while (!next.done) next = await stream.next();
      assert.deepEqual(next.value.tokens, tokens, 'greedy tokens as PEFT generated them');
    } finally {
      await generator.release();
    }
  });
}

test('a prefix-tuning adapter is refused for a merged export, in one line', () => {
  assert.throws(
    () => exportHuggingFace({ model: folder.dir, adapter: join(FIXTURE, 'plain', 'adapter'), out: join(dir, 'never') }),
    (error: Error) => error.name === 'UserError' && /a prefix-tuning adapter has no weights to merge; use --format onnx/.test(error.message) && !error.message.includes('\n'),
  );
});
