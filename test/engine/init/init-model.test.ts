import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { trainByteLevelBpe } from '../../../engine/src/init/bpe-trainer';
import { initModel, OutputNotEmptyError } from '../../../engine/src/init/init-model';
import { SIZE_PRESETS } from '../../../engine/src/init/model-sizes';
import { UserError } from '../../../contracts/src/user-error';

function withTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'init-model-test-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('BPE training is deterministic, respects the cap, and learns frequent pairs first', () => {
  const corpus = ['low lower lowest', 'low low low', 'newer newest'];
  const a = trainByteLevelBpe(corpus, 262);
  const b = trainByteLevelBpe(corpus, 262);
  assert.deepEqual(a.merges, b.merges);
  assert.equal(a.vocab.size, 262);
  assert.ok(trainByteLevelBpe(corpus, 100_000).vocab.size < 300, 'stops when every word is one token');
  assert.equal(a.merges[0], 'l o', 'the most frequent pair is merged first');
  assert.equal(a.vocab.get('!'), 0x21, 'single bytes keep their byte value as id');
});

test('a tiny llama folder loads, with a tokenizer, chat template and generation config', () => {
  withTempDir((dir) => {
    const out = join(dir, 'model');
    const result = initModel({ arch: 'llama', size: 'tiny', out, seed: 3 });
    assert.deepEqual(readdirSync(out).sort(), ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    assert.ok(result.parameters > 100_000 && result.parameters < 1_000_000, `tiny has ${result.parameters} parameters`);
    const folder = loadModelFolder(out);
    assert.equal(folder.config.arch, 'llama');
    assert.equal(folder.config.hiddenSize, SIZE_PRESETS.tiny.hiddenSize);
    assert.equal(folder.config.vocabSize, folder.tokenizer!.vocabSize, 'every embedding row is a real token');
    const tokenizer = folder.tokenizer!;
    const imEnd = tokenizer.tokenToId('<|im_end|>')!;
    assert.equal(tokenizer.eosTokenId, imEnd);
    assert.ok(folder.generationConfig.eosTokenIds.includes(imEnd));
    assert.ok(tokenizer.endOfTurnTokenIds.includes(imEnd));
    const { ids, trainedMask } = tokenizer.tokenizeChat([{ role: 'user', content: 'Hi', trained: false }, { role: 'assistant', content: 'Hello!', trained: true }]);
    assert.equal(ids[trainedMask.lastIndexOf(1)], imEnd, 'the end-of-turn token is the last trained token');
    // Initialisation: normal(0, 0.02) matrices, unit norms.
    const embedding = folder.weights.readFloat32('model.embed_tokens.weight');
    const mean = embedding.reduce((a, b) => a + b, 0) / embedding.length;
    const std = Math.sqrt(embedding.reduce((a, b) => a + (b - mean) ** 2, 0) / embedding.length);
    assert.ok(Math.abs(std - 0.02) < 0.001 && Math.abs(mean) < 0.001, `std ${std} mean ${mean}`);
    assert.ok(folder.weights.readFloat32('model.norm.weight').every((x) => x === 1));
  });
});

test('the same seed gives the same weights; another seed different ones', () => {
  withTempDir((dir) => {
    initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'a'), seed: 1 });
    initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'b'), seed: 1 });
    initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'c'), seed: 2 });
    const bytes = (name: string) => readFileSync(join(dir, name, 'model.safetensors'));
    assert.ok(bytes('a').equals(bytes('b')));
    assert.ok(!bytes('a').equals(bytes('c')));
    assert.equal(readFileSync(join(dir, 'a', 'tokenizer.json'), 'utf8'), readFileSync(join(dir, 'c', 'tokenizer.json'), 'utf8'));
  });
});

test('qwen2 and qwen3 variants carry their biases and q/k norms; f16 and bf16 storage load', () => {
  withTempDir((dir) => {
    initModel({ arch: 'qwen2', size: 'tiny', out: join(dir, 'q2'), dtype: 'BF16' });
    const qwen2 = loadModelFolder(join(dir, 'q2'));
    assert.ok(qwen2.weights.has('model.layers.0.self_attn.q_proj.bias'));
    assert.equal(qwen2.weightDtype, 'BF16');
    initModel({ arch: 'qwen3', size: 'tiny', out: join(dir, 'q3'), dtype: 'F16' });
    const qwen3 = loadModelFolder(join(dir, 'q3'));
    assert.ok(qwen3.weights.has('model.layers.1.self_attn.k_norm.weight'));
    assert.notEqual(qwen3.config.headDim, qwen3.config.hiddenSize / qwen3.config.numHeads);
    assert.equal(qwen3.weightDtype, 'F16');
  });
});

test('a gpt2 model is written in GPT2LMHeadModel layout (Conv1D [in, out], tied embeddings) and loads', () => {
  withTempDir((dir) => {
    initModel({ arch: 'gpt2', size: 'tiny', out: dir });
    const gpt2 = loadModelFolder(dir);
    const { hiddenSize, intermediateSize } = gpt2.config;
    assert.equal(gpt2.config.arch, 'gpt2');
    assert.deepEqual(gpt2.weights.info('transformer.h.0.mlp.c_fc.weight').shape, [hiddenSize, intermediateSize]);
    assert.ok(gpt2.config.tieWordEmbeddings && !gpt2.weights.has('lm_head.weight'));
    assert.deepEqual(gpt2.unusedTensors, []);
  });
});

test('refuses a non-empty output folder unless forced', () => {
  withTempDir((dir) => {
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    assert.throws(() => initModel({ arch: 'llama', size: 'tiny', out: dir }), OutputNotEmptyError);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep me');
    initModel({ arch: 'llama', size: 'tiny', out: dir, force: true });
    assert.ok(readdirSync(dir).includes('model.safetensors'));
  });
});

test('the CLI writes a model and reports bad flags as user errors', async () => {
  const { command } = await import('../../../cli/src/commands/init-model');
  const dir = mkdtempSync(join(tmpdir(), 'init-model-cli-'));
  try {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      assert.equal(await command.run(['--size', 'tiny', '--out', join(dir, 'm'), '--json']), 0);
    } finally {
      console.log = log;
    }
    const report = JSON.parse(lines[0]);
    assert.equal(report.arch, 'llama');
    assert.ok(report.parameters > 100_000);
    await assert.rejects(command.run(['--size', 'tiny', '--out', join(dir, 'm')]), (error: Error) => error instanceof UserError && error.code === 'output-not-empty');
    await assert.rejects(command.run(['--size', 'tiny', '--out', join(dir, 'x'), '--arch', 'falcon']), (error: Error) => error instanceof UserError && error.code === 'bad-flag');
    // Through the dispatcher: a user error exits 1 without a stack.
    const cli = ['--import', 'tsx', join(__dirname, '..', '..', '..', 'cli', 'src', 'main.ts'), 'init-model'];
    const badSize = spawnSync(process.execPath, [...cli, '--size', 'huge', '--out', join(dir, 'x')], { encoding: 'utf8' });
    assert.equal(badSize.status, 1);
    assert.ok(!badSize.stderr.includes('    at '), 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gemma2, gemma3_text and phi3 presets: config.json in the keys transformers 5 writes, the family chat template', () => {
  withTempDir((dir) => {
    const golden = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');
    for (const [arch, fixture, template] of [['gemma2', 'gemma2', '<start_of_turn>'], ['gemma3_text', 'gemma3-text', '<start_of_turn>'], ['phi3', 'phi3', '<|user|>']] as const) {
      const out = join(dir, arch);
      initModel({ arch, size: 'tiny', out, dtype: 'BF16' });
      const text = readFileSync(join(out, 'config.json'), 'utf8');
      const config = JSON.parse(text) as Record<string, unknown>;
      const transformers = JSON.parse(readFileSync(join(golden, fixture, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(config).sort(), Object.keys(transformers).filter((key) => key !== 'transformers_version').sort(), arch);
      assert.equal(config.dtype, 'bfloat16');
      // Float fields are written as Python writes floats: transformers 5 refuses 30 for final_logit_softcapping.
      assert.match(text, /"attention_dropout": 0\.0,/);
      if (arch === 'gemma2') assert.match(text, /"final_logit_softcapping": 30\.0,/);
      const folder = loadModelFolder(out);
      assert.equal(folder.config.arch, arch);
      assert.ok((folder.tokenizer!.chatTemplate.text).includes(template));
      assert.equal(folder.config.vocabSize, folder.tokenizer!.vocabSize);
      if (arch === 'phi3') assert.equal(folder.config.rotaryDim, 0.75 * folder.config.headDim);
      else assert.ok(folder.weights.readFloat32('model.layers.0.post_feedforward_layernorm.weight').every((x) => x === 0), 'Gemma norms are (1 + w), w = 0');
    }
    const gemma3 = JSON.parse(readFileSync(join(dir, 'gemma3_text', 'config.json'), 'utf8')) as { layer_types: string[] };
    assert.deepEqual(gemma3.layer_types, ['sliding_attention', 'full_attention'], 'the last layer is full');
  });
});
