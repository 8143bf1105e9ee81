// Safetensors dtypes, their sizes, and the float conversions the engine needs. The Node binding of onnxruntime has
// no bfloat16 tensors, so BF16 is widened to float32 on load; F16 stays as raw half bits (Uint16Array) unless a
// caller asks for float32.

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}

export const FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16'];

/** Data as held in memory after loading; names follow onnxruntime's tensor types. */
export type LoadedData =
  | { dtype: 'float32'; data: Float32Array }
  | { dtype: 'float16'; data: Uint16Array }
  | { dtype: 'float64'; data: Float64Array }
  | { dtype: 'int64'; data: BigInt64Array }
  | { dtype: 'int32'; data: Int32Array }
  | { dtype: 'int16'; data: Int16Array }
  | { dtype: 'int8'; data: Int8Array }
  | { dtype: 'uint8'; data: Uint8Array }
  | { dtype: 'bool'; data: Uint8Array };

/** Wraps little-endian bytes (copied into an aligned buffer) as the dtype's typed array; BF16 becomes float32. */
export function decodeBytes(dtype: SafetensorsDtype, bytes: Uint8Array): LoadedData {
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  const buffer = aligned.buffer;
  switch (dtype) {
    case 'F32': return { dtype: 'float32', data: new Float32Array(buffer) };
    case 'F16': return { dtype: 'float16', data: new Uint16Array(buffer) };
    case 'BF16': return { dtype: 'float32', data: bfloat16ToFloat32(new Uint16Array(buffer)) };
    case 'F64': return { dtype: 'float64', data: new Float64Array(buffer) };
    case 'I64': return { dtype: 'int64', data: new BigInt64Array(buffer) };
    case 'I32': return { dtype: 'int32', data: new Int32Array(buffer) };
    case 'I16': return { dtype: 'int16', data: new Int16Array(buffer) };
    case 'I8': return { dtype: 'int8', data: new Int8Array(buffer) };
    case 'U8': return { dtype: 'uint8', data: aligned };
    case 'BOOL': return { dtype: 'bool', data: aligned };
  }
}

export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const wide = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) wide[i] = bits[i] << 16;
  return new Float32Array(wide.buffer);
}

/** Round-to-nearest-even, as torch's `.to(torch.bfloat16)`; NaN stays a quiet NaN. */
export function float32ToBfloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i];
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x007fffff) !== 0) out[i] = (x >>> 16) | 0x0040;
    else out[i] = ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}

export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) out[i] = mantissa ? NaN : sign * Infinity;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Round-to-nearest-even float32 → IEEE half, with overflow to infinity and gradual underflow. */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    scratch[0] = values[i];
    const x = scratchBits[0];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    let e = exponent - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      const half = 1 << (shift - 1);
      let rounded = mantissa >>> shift;
      const rest = mantissa & ((1 << shift) - 1);
      if (rest > half || (rest === half && (rounded & 1))) rounded++;
      out[i] = sign | rounded;
      continue;
    }
    let rounded = mantissa >>> 13;
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (rounded & 1))) rounded++;
    if (rounded === 0x400) {
      rounded = 0;
      e++;
      if (e >= 31) {
        out[i] = sign | 0x7c00;
        continue;
      }
    }
    out[i] = sign | (e << 10) | rounded;
  }
  return out;
}

/** Any float load as float32 (F16 and F64 converted; BF16 was already widened by decodeBytes). */
export function toFloat32(loaded: LoadedData): Float32Array {
  switch (loaded.dtype) {
    case 'float32': return loaded.data;
    case 'float16': return float16ToFloat32(loaded.data);
    case 'float64': return Float32Array.from(loaded.data);
    default: throw new Error(`cannot read ${loaded.dtype} data as float32`);
  }
}
