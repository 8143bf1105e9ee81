// NF4 and int4 blockwise quantisation: the code table, nibble order, and quantise → dequantise error bounds
// (half the widest gap between neighbouring codes, times the block's absmax; half a step for int4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantizeInt4Columns, int4At, quantizeInt4Columns } from '../../../engine/src/quantize/int4';
import { dequantizeNf4, NF4_CODE_TABLE, nearestNf4Code, quantizeNf4, swapNibbles } from '../../../engine/src/quantize/nf4';

function gaussian(count: number, seed: number, std = 0.02): Float32Array {
  let state = seed;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Float32Array.from({ length: count }, () => std * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

test('the NF4 table is bitsandbytes\': 16 sorted codes from -1 to 1 with an exact zero at index 7', () => {
  assert.equal(NF4_CODE_TABLE.length, 16);
  assert.equal(NF4_CODE_TABLE[0], -1);
  assert.equal(NF4_CODE_TABLE[7], 0);
  assert.equal(NF4_CODE_TABLE[15], 1);
  for (let index = 1; index < 16; index++) assert.ok(NF4_CODE_TABLE[index] > NF4_CODE_TABLE[index - 1]);
  assert.equal(NF4_CODE_TABLE[8], 0.07958029955625534);
  NF4_CODE_TABLE.forEach((code, index) => assert.equal(nearestNf4Code(code), index));
});

test('NF4 packs the first value of a pair in the high nibble, as bitsandbytes', () => {
  const quantized = quantizeNf4(Float32Array.from([-2, 2, 0]));
  assert.deepEqual([...quantized.scales], [2]);
  assert.deepEqual([...quantized.packed], [0x0f, 0x70]);
  assert.deepEqual([...swapNibbles(quantized.packed)], [0xf0, 0x07]);
  assert.deepEqual([...dequantizeNf4(quantized)], [-2, 2, 0]);
});

test('NF4 round trip: error within half the widest code gap × absmax per block; block maxima and zeros exact', () => {
  const values = gaussian(64 * 50 + 17, 7); // a ragged last block
  values[5] = 0;
  const quantized = quantizeNf4(values, 64);
  assert.equal(quantized.scales.length, 51);
  assert.equal(quantized.packed.length, Math.ceil(values.length / 2));
  const restored = dequantizeNf4(quantized);
  const halfGap = Math.max(...NF4_CODE_TABLE.slice(1).map((code, index) => code - NF4_CODE_TABLE[index])) / 2;
  let squared = 0;
  let energy = 0;
  for (let index = 0; index < values.length; index++) {
    const absmax = quantized.scales[Math.floor(index / 64)];
    const error = Math.abs(values[index] - restored[index]);
    assert.ok(error <= halfGap * absmax * (1 + 1e-6), `value ${index}: error ${error} over bound ${halfGap * absmax}`);
    squared += error ** 2;
    energy += values[index] ** 2;
  }
  assert.equal(restored[5], 0);
  for (let block = 0; block < quantized.scales.length; block++) {
    const slice = values.subarray(block * 64, (block + 1) * 64);
    const at = slice.findIndex((value) => Math.abs(value) === quantized.scales[block]);
    assert.ok(Math.abs(restored[block * 64 + at] - slice[at]) < 1e-9);
  }
  // Gaussian weights: NF4's relative RMS error is about 9% (measured 0.092 over 262k values).
  const relative = Math.sqrt(squared / energy);
  assert.ok(relative < 0.12, `relative RMS error ${relative}`);
});

test('int4 columns: blocks run down each column, error within half a step, codes in [-8, 7]', () => {
  const rows = 150;
  const columns = 6;
  const values = gaussian(rows * columns, 3);
  const quantized = quantizeInt4Columns(values, rows, columns, 64);
  assert.equal(quantized.scales.length, 3 * columns);
  const restored = dequantizeInt4Columns(quantized, rows, columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const index = row * columns + column;
      const scale = quantized.scales[Math.floor(row / 64) * columns + column];
      assert.ok(Math.abs(values[index] - restored[index]) <= scale / 2 + 1e-9);
      const code = int4At(quantized.packed, index);
      assert.ok(code >= -8 && code <= 7);
    }
  }
  // ONNX packing: element 0 in the low nibble.
  const two = quantizeInt4Columns(Float32Array.from([7, -7]), 2, 1, 64);
  assert.deepEqual([...two.packed], [0x97]);
});
