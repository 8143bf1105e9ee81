import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../../../engine/src/io/dtype';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { readSafetensorsFile, readSafetensorsHeader, readTensorFloat32 } from '../../../engine/src/io/safetensors';
import { writeModelSafetensors, writeSafetensors } from '../../../engine/src/io/safetensors-writer';

function withTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-test-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A file with a hand-written header: `data` bytes follow it. */
function rawFile(file: string, header: unknown, dataBytes: number): void {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([length, json, Buffer.alloc(dataBytes)]));
}

function expectError(run: () => unknown, code: string, where: { file?: string; tensor?: string } = {}): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ModelFileError, `expected a ModelFileError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (where.file) assert.equal(error.file, where.file);
    if (where.tensor) assert.equal(error.tensor, where.tensor);
    assert.equal(error.name, 'UserError');
    return true;
  });
}

test('round-trips F32, F16, BF16 and I64 tensors with metadata', () => {
  withTempDir((dir) => {
    const file = join(dir, 'a.safetensors');
    const values = new Float32Array([0, 1, -2.5, 3.140625, 65504, 1e-5]);
    writeSafetensors(file, [
      { name: 'f32', dtype: 'F32', shape: [2, 3], data: values },
      { name: 'f16', dtype: 'F16', shape: [6], data: values },
      { name: 'bf16', dtype: 'BF16', shape: [3, 2], data: () => values },
      { name: 'ids', dtype: 'I64', shape: [2], data: new BigInt64Array([7n, -1n]) },
    ], { format: 'pt' });
    const bytes = readFileSync(file);
    assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0, 'header padded to 8 bytes');
    const { metadata, tensors } = readSafetensorsFile(file);
    assert.deepEqual(metadata, { format: 'pt' });
    assert.deepEqual(tensors.get('f32')!.info.shape, [2, 3]);
    assert.deepEqual([...(tensors.get('f32')!.value.data as Float32Array)], [...values]);
    const half = tensors.get('f16')!.value;
    assert.equal(half.dtype, 'float16');
    assert.deepEqual([...float16ToFloat32(half.data as Uint16Array)], [...float16ToFloat32(float32ToFloat16(values))]);
    const bf = tensors.get('bf16')!.value;
    assert.equal(bf.dtype, 'float32', 'bf16 is widened on load');
    assert.deepEqual([...(bf.data as Float32Array)].slice(0, 4), [0, 1, -2.5, 3.140625]);
    assert.deepEqual([...(tensors.get('ids')!.value.data as BigInt64Array)], [7n, -1n]);
    assert.deepEqual([...readTensorFloat32(tensors.get('f16')!.info)].slice(0, 4), [0, 1, -2.5, 3.140625]);
  });
});

test('half and bfloat16 conversions round to nearest even and keep specials', () => {
  const input = new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 2 ** -24, 2 ** -26, -0, Infinity, NaN, 1e-7]);
  const half = float16ToFloat32(float32ToFloat16(input));
  assert.equal(half[0], 1, 'tie rounds to even (down)');
  assert.equal(half[1], 1 + 2 * 2 ** -10, 'tie rounds to even (up)');
  assert.equal(half[2], Infinity, 'overflow');
  assert.equal(half[3], 2 ** -24, 'smallest subnormal');
  assert.equal(half[4], 0, 'underflow');
  assert.ok(Object.is(half[5], -0));
  assert.equal(half[6], Infinity);
  assert.ok(Number.isNaN(half[7]));
  assert.ok(Math.abs(half[8] - 1e-7) < 2 ** -25);
  const bf = bfloat16ToFloat32(float32ToBfloat16(new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8, NaN, -3])));
  assert.deepEqual([bf[0], bf[1], bf[3]], [1, 1 + 2 ** -6, -3]);
  assert.ok(Number.isNaN(bf[2]));
});

test('writes shards with an index when tensors exceed the shard size', () => {
  withTempDir((dir) => {
    const tensors = ['a', 'b', 'c'].map((name) => ({ name, dtype: 'F32' as const, shape: [4], data: new Float32Array(4).fill(1) }));
    const files = writeModelSafetensors(dir, tensors, 40);
    assert.deepEqual(files, ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
    assert.deepEqual(index.weight_map, { a: files[0], b: files[0], c: files[1] });
    assert.equal(index.metadata.total_size, 48);
  });
});

test('bad headers give located errors', () => {
  withTempDir((dir) => {
    const file = join(dir, 'bad.safetensors');
    rawFile(file, '{"w": {"dtype": "F32", ', 0);
    expectError(() => readSafetensorsHeader(file), 'bad-header', { file });

    rawFile(file, { w: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, 8);
    expectError(() => readSafetensorsHeader(file), 'bad-dtype', { file, tensor: 'w' });

    rawFile(file, { w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8);
    expectError(() => readSafetensorsHeader(file), 'bad-offsets', { tensor: 'w' });

    rawFile(file, { w: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }, 8);
    expectError(() => readSafetensorsHeader(file), 'bad-header', { tensor: 'w' });

    rawFile(file, { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12);
    expectError(() => readSafetensorsHeader(file), 'overlapping-tensors', { tensor: 'b' });

    rawFile(file, { a: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, 16);
    expectError(() => readSafetensorsHeader(file), 'bad-offsets', { tensor: 'a' });

    writeFileSync(file, Buffer.from([1, 2, 3]));
    expectError(() => readSafetensorsHeader(file), 'truncated', { file });

    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(2n ** 40n);
    writeFileSync(file, huge);
    expectError(() => readSafetensorsHeader(file), 'bad-header', { file });

    expectError(() => readSafetensorsHeader(join(dir, 'absent.safetensors')), 'missing-file');
  });
});

test('a truncated file names the tensor whose data is cut', () => {
  withTempDir((dir) => {
    const file = join(dir, 'cut.safetensors');
    writeSafetensors(file, [
      { name: 'first', dtype: 'F32', shape: [16], data: new Float32Array(16) },
      { name: 'second', dtype: 'F32', shape: [16], data: new Float32Array(16) },
    ]);
    truncateSync(file, readFileSync(file).length - 10);
    expectError(() => readSafetensorsHeader(file), 'truncated', { file, tensor: 'second' });
  });
});
