import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden');

interface Golden {
  modelType: string;
  weightsDtype: string;
  tensorChecks: Record<string, { shape: number[]; sum: number; first: number[] }>;
}

function withCopy(variant: string, run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'model-folder-test-'));
  try {
    cpSync(join(GOLDEN, variant), dir, { recursive: true });
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectError(run: () => unknown, code: string, where: { file?: string; tensor?: string; key?: string } = {}): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ModelFileError, `expected a ModelFileError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (where.file) assert.equal(error.file, where.file);
    if (where.tensor) assert.equal(error.tensor, where.tensor);
    if (where.key) assert.equal(error.key, where.key);
    return true;
  });
}

test('every golden fixture loads, and its tensors read back as the Python reference read them', () => {
  const variants = readdirSync(GOLDEN, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.ok(variants.length >= 5);
  for (const variant of variants) {
    const golden = JSON.parse(readFileSync(join(GOLDEN, variant, 'golden.json'), 'utf8')) as Golden;
    const folder = loadModelFolder(join(GOLDEN, variant), { requireTokenizer: false });
    assert.equal(folder.config.modelType, golden.modelType, variant);
    assert.equal(folder.weightDtype, golden.weightsDtype, variant);
    assert.deepEqual(folder.unusedTensors, [], variant);
    assert.equal(folder.tokenizer, null);
    for (const [name, check] of Object.entries(golden.tensorChecks)) {
      const values = folder.weights.readFloat32(name);
      assert.deepEqual(folder.weights.info(name).shape, check.shape);
      assert.deepEqual([...values.subarray(0, 4)], check.first.map((x) => Math.fround(x)), `${variant} ${name}`);
      const sum = values.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - check.sum) < 1e-3, `${variant} ${name}: sum ${sum} vs ${check.sum}`);
    }
  }
});

test('the sharded fixture spreads weights over both shards and reads bf16 as float32', () => {
  const sharded = loadModelFolder(join(GOLDEN, 'qwen3-sharded'), { requireTokenizer: false });
  assert.equal(sharded.weights.files.length, 2);
  assert.equal(new Set(sharded.weights.names().map((name) => sharded.weights.info(name).file)).size, 2);
  assert.equal(sharded.config.headDim, 16);
  const bf16 = loadModelFolder(join(GOLDEN, 'qwen2-bf16'), { requireTokenizer: false });
  assert.equal(bf16.weights.read('model.embed_tokens.weight').dtype, 'float32');
  assert.equal(bf16.generationConfig.eosTokenIds[0], 2);
});

test('missing files are named', () => {
  withCopy('llama', (dir) => {
    rmSync(join(dir, 'config.json'));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'missing-file', { file: join(dir, 'config.json') });
  });
  withCopy('llama', (dir) => {
    rmSync(join(dir, 'model.safetensors'));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'missing-file', { file: join(dir, 'model.safetensors') });
  });
  withCopy('llama', (dir) => {
    expectError(() => loadModelFolder(dir), 'missing-file', { file: join(dir, 'tokenizer.json') });
  });
  withCopy('qwen3-sharded', (dir) => {
    rmSync(join(dir, 'model-00002-of-00002.safetensors'));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'missing-file', { file: join(dir, 'model-00002-of-00002.safetensors') });
  });
  expectError(() => loadModelFolder(join(GOLDEN, 'no-such-model')), 'missing-file');
});

test('pickle weights are refused with the convert-to-safetensors error', () => {
  withCopy('llama', (dir) => {
    rmSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'pytorch_model.bin'), Buffer.from('PK\x03\x04 pickle'));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'pickle-weights', { file: join(dir, 'pytorch_model.bin') });
  });
});

test('wrong shapes, missing tensors and non-float weights name the tensor', () => {
  withCopy('llama', (dir) => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 96 }));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'wrong-shape', { tensor: 'model.layers.0.mlp.gate_proj.weight' });
    // More layers than the weights hold is the config's mistake, found from the tensor names before any layer is listed.
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 3 }));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-config', { key: 'num_hidden_layers' });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, vocab_size: config.vocab_size + 1 }));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-config', { key: 'vocab_size' });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'qwen2' }));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'missing-tensor', { tensor: 'model.layers.0.self_attn.q_proj.bias' });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'falcon' }));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'unsupported-architecture', { key: 'model_type' });
    writeFileSync(join(dir, 'config.json'), '{"model_type": "llama",');
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-json', { file: join(dir, 'config.json') });
  });
  withCopy('llama', (dir) => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 1, hidden_size: 4, intermediate_size: 4, num_attention_heads: 2, num_key_value_heads: 2, vocab_size: 2, tie_word_embeddings: true }));
    const tensors = [
      ['model.embed_tokens.weight', [2, 4]], ['model.layers.0.input_layernorm.weight', [4]], ['model.layers.0.self_attn.q_proj.weight', [4, 4]],
      ['model.layers.0.self_attn.k_proj.weight', [4, 4]], ['model.layers.0.self_attn.v_proj.weight', [4, 4]], ['model.layers.0.self_attn.o_proj.weight', [4, 4]],
      ['model.layers.0.post_attention_layernorm.weight', [4]], ['model.layers.0.mlp.gate_proj.weight', [4, 4]], ['model.layers.0.mlp.up_proj.weight', [4, 4]],
      ['model.layers.0.mlp.down_proj.weight', [4, 4]], ['model.norm.weight', [4]],
    ] as const;
    writeSafetensors(join(dir, 'model.safetensors'), tensors.map(([name, shape]) => ({
      name, shape: [...shape], dtype: name === 'model.norm.weight' ? 'I32' as const : 'F32' as const,
      data: name === 'model.norm.weight' ? new Int32Array(4) : new Float32Array(shape.reduce((a: number, b: number) => a * b, 1)),
    })));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-dtype', { tensor: 'model.norm.weight' });
  });
});

test('truncated weights and bad headers are located in the folder', () => {
  withCopy('llama', (dir) => {
    const file = join(dir, 'model.safetensors');
    truncateSync(file, 50_000);
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'truncated', { file });
  });
  withCopy('llama', (dir) => {
    const file = join(dir, 'model.safetensors');
    const bytes = readFileSync(file);
    bytes.write('#', 9); // break the JSON right after its opening brace
    writeFileSync(file, bytes);
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-header', { file });
  });
  withCopy('qwen3-sharded', (dir) => {
    const indexFile = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8'));
    const first = Object.keys(index.weight_map)[0];
    index.weight_map[first] = 'model-00002-of-00002.safetensors';
    writeFileSync(indexFile, JSON.stringify(index));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-index', { tensor: first });
    writeFileSync(indexFile, JSON.stringify({ weight_map: { x: '../escape.safetensors' } }));
    expectError(() => loadModelFolder(dir, { requireTokenizer: false }), 'bad-index', { file: indexFile });
  });
});
