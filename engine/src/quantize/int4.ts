// Symmetric signed int4 blockwise quantisation (the layout ONNX's blocked DequantizeLinear and ORT's MatMulNBits
// read): per block of `blockSize` values along the reduction axis, scale = absmax / 7 and q = round(x / scale)
// clamped to [-8, 7]; dequantised x ≈ q · scale. Codes are packed ONNX-style, first element in the low nibble.
import { DEFAULT_BLOCK_SIZE, type BlockQuantized } from './nf4';

/**
 * Quantises a row-major [rows, columns] matrix in blocks that run DOWN each column (axis 0), the layout of a
 * [K, N] MatMul weight; scales are [ceil(rows / blockSize), columns] row-major.
 */
export function quantizeInt4Columns(values: Float32Array, rows: number, columns: number, blockSize = DEFAULT_BLOCK_SIZE): BlockQuantized {
  if (values.length !== rows * columns) throw new Error(`int4: ${values.length} values are not [${rows}, ${columns}]`);
  const blockRows = Math.ceil(rows / blockSize);
  const scales = new Float32Array(blockRows * columns);
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let blockRow = 0; blockRow < blockRows; blockRow++) {
    const start = blockRow * blockSize;
    const end = Math.min(rows, start + blockSize);
    for (let column = 0; column < columns; column++) {
      let absmax = 0;
      for (let row = start; row < end; row++) absmax = Math.max(absmax, Math.abs(values[row * columns + column]));
      const scale = absmax / 7;
      scales[blockRow * columns + column] = scale;
      for (let row = start; row < end; row++) {
        const index = row * columns + column;
        const q = scale > 0 ? Math.max(-8, Math.min(7, Math.round(values[index] / scale))) : 0;
        packed[index >> 1] |= (index & 1 ? (q & 0x0f) << 4 : q & 0x0f);
      }
    }
  }
  return { length: values.length, blockSize, packed, scales };
}

/** Signed code of element `index` from ONNX (low-nibble-first) packing. */
export function int4At(packed: Uint8Array, index: number): number {
  const nibble = index & 1 ? packed[index >> 1] >> 4 : packed[index >> 1] & 0x0f;
  return nibble >= 8 ? nibble - 16 : nibble;
}

export function dequantizeInt4Columns(quantized: BlockQuantized, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    const scaleRow = Math.floor(row / quantized.blockSize) * columns;
    for (let column = 0; column < columns; column++) {
      const index = row * columns + column;
      out[index] = int4At(quantized.packed, index) * quantized.scales[scaleRow + column];
    }
  }
  return out;
}
