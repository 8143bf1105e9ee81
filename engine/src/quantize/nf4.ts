// 4-bit NormalFloat (NF4) blockwise quantisation as bitsandbytes implements it for QLoRA (Dettmers et al. 2023):
// the tensor is flattened row-major and cut into blocks of 64 values; each block stores its absolute maximum (fp32)
// and, per value, the index of the nearest of 16 code values (quantiles of N(0, 1) normalised to [-1, 1], with an
// exact zero). Two codes share a byte, the first in the high nibble (bitsandbytes' kQuantizeBlockwise order).

/** bitsandbytes' NF4 table (csrc/kernels.cu `nf4_dequantization_lut`, functional.py `get_4bit_type('nf4')`). */
export const NF4_CODE_TABLE: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

export const DEFAULT_BLOCK_SIZE = 64;

/** Midpoints between neighbouring codes: a normalised value's code is the number of midpoints below it. */
const MIDPOINTS = NF4_CODE_TABLE.slice(1).map((code, index) => (code + NF4_CODE_TABLE[index]) / 2);

export interface BlockQuantized {
  /** Number of values (before padding the last block). */
  length: number;
  blockSize: number;
  /** One 4-bit code per value, two per byte; ceil(length / 2) bytes. */
  packed: Uint8Array;
  /** One scale per block (the absmax for NF4, absmax / 7 for int4). */
  scales: Float32Array;
}

export function nearestNf4Code(normalised: number): number {
  let low = 0;
  let high = MIDPOINTS.length; // codes 0..15: count midpoints strictly below the value
  while (low < high) {
    const middle = (low + high) >> 1;
    if (MIDPOINTS[middle] < normalised) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Code of value `index` from a high-nibble-first packing. */
export function unpackHighFirst(packed: Uint8Array, index: number): number {
  const byte = packed[index >> 1];
  return index & 1 ? byte & 0x0f : byte >> 4;
}

export function quantizeNf4(values: Float32Array, blockSize = DEFAULT_BLOCK_SIZE): BlockQuantized {
  const blocks = Math.ceil(values.length / blockSize);
  const scales = new Float32Array(blocks);
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let block = 0; block < blocks; block++) {
    const start = block * blockSize;
    const end = Math.min(values.length, start + blockSize);
    let absmax = 0;
    for (let index = start; index < end; index++) absmax = Math.max(absmax, Math.abs(values[index]));
    scales[block] = absmax;
    const inverse = absmax > 0 ? 1 / absmax : 0;
    for (let index = start; index < end; index++) {
      const code = nearestNf4Code(values[index] * inverse);
      packed[index >> 1] |= index & 1 ? code : code << 4;
    }
  }
  return { length: values.length, blockSize, packed, scales };
}

export function dequantizeNf4(quantized: BlockQuantized): Float32Array {
  const out = new Float32Array(quantized.length);
  for (let index = 0; index < quantized.length; index++) {
    out[index] = NF4_CODE_TABLE[unpackHighFirst(quantized.packed, index)] * quantized.scales[Math.floor(index / quantized.blockSize)];
  }
  return out;
}

/** ONNX packs 4-bit tensors with the FIRST element in the LOW nibble; bitsandbytes puts it in the high one. */
export function swapNibbles(packed: Uint8Array): Uint8Array {
  return packed.map((byte) => ((byte & 0x0f) << 4) | (byte >> 4));
}
