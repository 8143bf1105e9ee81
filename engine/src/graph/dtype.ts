// Element types of graph values: their ONNX enum, the onnxruntime-node tensor type, and the typed array that holds them.

import { DataType } from '../onnx/schema';

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'int4' | 'uint4';

/** Typed arrays accepted for initializers; float16/bfloat16 travel as raw Uint16Array bits, int4/uint4 as packed Uint8Array. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | Uint16Array;

export const onnxDataType: Record<DType, DataType> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  bfloat16: DataType.BFLOAT16,
  int64: DataType.INT64,
  int32: DataType.INT32,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  bool: DataType.BOOL,
  int4: DataType.INT4,
  uint4: DataType.UINT4,
};

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** Bytes a tensor of this type and element count occupies (4-bit types pack two elements per byte). */
export function byteLength(dtype: DType, elements: number): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return elements * 8;
    case 'float32':
    case 'int32':
      return elements * 4;
    case 'float16':
    case 'bfloat16':
      return elements * 2;
    case 'int8':
    case 'uint8':
    case 'bool':
      return elements;
    case 'int4':
    case 'uint4':
      return Math.ceil(elements / 2);
  }
}

/** Encodes JS numbers as the raw little-endian bytes of a tensor of `dtype` (float16 and 4-bit types excluded). */
export function numbersToBytes(dtype: DType, values: readonly number[]): Uint8Array {
  let array: TensorData;
  switch (dtype) {
    case 'float32':
      array = Float32Array.from(values);
      break;
    case 'float64':
      array = Float64Array.from(values);
      break;
    case 'int64':
      array = BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
      break;
    case 'int32':
      array = Int32Array.from(values);
      break;
    case 'int8':
      array = Int8Array.from(values);
      break;
    case 'uint8':
    case 'bool':
      array = Uint8Array.from(values, (v) => (dtype === 'bool' ? (v ? 1 : 0) : v));
      break;
    case 'float16':
      array = Uint16Array.from(values, float32ToFloat16Bits);
      break;
    default:
      throw new Error(`cannot encode numbers as ${dtype}; pass packed bytes instead`);
  }
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** IEEE half-precision bits of a number (round to nearest even), for fp16 constants. */
export function float32ToFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half++;
  e = half >>> 10;
  return sign | half;
}
