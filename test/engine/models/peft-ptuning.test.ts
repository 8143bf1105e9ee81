// PEFT's own P_TUNING adapters (test/fixtures/roundtrip/peft-ptuning/<mlp|lstm>/adapter, trained 3 steps by
// reference/roundtrip/make_ptuning_fixture.py) load here as virtual tokens and score texts as PEFT scored them;
// a merged export of one is refused in one line (P-tuning has no weights to merge).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readPeftAdapter } from '../../../engine/src/adapters/peft';
import { exportHuggingFace } from '../../../engine/src/export/hf';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { worstLogprobDifference } from './peft-logprobs';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'peft-ptuning');
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  tolerance: number;
  types: Record<'mlp' | 'lstm', { cases: { text: string; ids: number[]; logprobs: (number | null)[] }[] }>;
};

let dir: string;
let folder: ModelFolder;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-peft-ptuning-'));
  initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'model'), seed: 0, force: true });
  folder = loadModelFolder(join(dir, 'model'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const type of ['mlp', 'lstm'] as const) {
  test(`PEFT's P_TUNING adapter (${type} encoder) scores here as in PEFT`, async () => {
    const adapter = readPeftAdapter(join(FIXTURE, type, 'adapter'));
    assert.equal(adapter.prompt?.peftType, 'P_TUNING');
    const cases = expected.types[type].cases;
    for (const { text, ids } of cases) assert.deepEqual(folder.tokenizer!.encode(text), ids, `transformers' ids for ${JSON.stringify(text)}`);
    const worst = await worstLogprobDifference(folder, adapter, cases);
    assert.ok(worst <= expected.tolerance, `max |log-prob difference| ${worst}`);
    console.log(`PEFT's ${type} P_TUNING adapter here vs in PEFT: max |log-prob difference| ${worst.toExponential(2)}`);
  });
}

test('a P-tuning adapter is refused for a merged export, in one line', () => {
  assert.throws(
    () => exportHuggingFace({ model: folder.dir, adapter: join(FIXTURE, 'mlp', 'adapter'), out: join(dir, 'never') }),
    (error: Error) => error.name === 'UserError' && /a P-tuning adapter has no weights to merge; use --format onnx/.test(error.message) && !error.message.includes('\n'),
  );
});
