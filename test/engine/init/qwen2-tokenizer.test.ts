// `init-model --arch qwen2` must tokenize as transformers does with the same folder: for model_type qwen2,
// AutoTokenizer builds Qwen2Tokenizer (Qwen2's split pattern, NFC) whatever tokenizer.json says, so the file has to
// say the same. Ids from transformers: test/fixtures/roundtrip/qwen2-tokenizer.json
// (reference/roundtrip/make_tokenizer_fixture.py: every string of the example datasets, plus edge cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel } from '../../../engine/src/init/init-model';
import { loadChatTokenizer } from '../../../tokenizer/src/tokenizer';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'roundtrip', 'qwen2-tokenizer.json');

test('a generated qwen2 model tokenizes every sample text as transformers (Qwen2Tokenizer) does', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { tokenizerClass: string; cases: { text: string; ids: number[] }[] };
  assert.equal(fixture.tokenizerClass, 'Qwen2Tokenizer');
  const dir = mkdtempSync(join(tmpdir(), 'finetune-qwen2-tokenizer-'));
  try {
    initModel({ arch: 'qwen2', size: 'tiny', out: dir, force: true });
    const tokenizer = loadChatTokenizer(dir);
    const differing = fixture.cases.filter(({ text, ids }) => JSON.stringify(tokenizer.encode(text)) !== JSON.stringify(ids));
    assert.deepEqual(differing.map(({ text }) => text), [], `${differing.length} of ${fixture.cases.length} texts tokenize differently`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
