// Quantised weights inside an ONNX graph: the 4-bit codes and block scales are initializers (so the session holds
// 4 bits per weight plus one fp32 scale per 64), and the float32 [out, in] weight is rebuilt on the fly each run.
//
// Both paths start from a DequantizeLinear on the packed 4-bit initializer on purpose: ORT's constant folding skips
// DequantizeLinear (it keeps QDQ patterns for its quantisation fusions), so nothing downstream is folded back into
// an fp32 initializer at session creation. (A Cast or BitShift of the codes WOULD be folded, undoing the saving.)
import { attr, ops, type Graph, type Value } from '../graph';
import { quantizeInt4Columns } from './int4';
import { NF4_CODE_TABLE, quantizeNf4, swapNibbles, type BlockQuantized } from './nf4';

import type { QuantType } from '../../../contracts/src/quant-types';

export type { QuantType } from '../../../contracts/src/quant-types';

/**
 * ORT session config for graphs with quantised weights. ORT may fuse DequantizeLinear → MatMul into MatMulNBits,
 * whose default accuracy level quantises the ACTIVATIONS to int8; level 0 keeps the product in float32, so the
 * quantised forward differs from the fp32 one by the weight rounding only (measured in test/engine/quantize).
 */
export const QUANTIZED_SESSION_CONFIG = { session: { qdq_matmulnbits_accuracy_level: '0' } } as const;

function dequantizeLinear(graph: Graph, input: Value, scale: Value, attributes: Record<string, ReturnType<typeof attr.int>> = {}): Value {
  return graph.node('DequantizeLinear', [input, scale], [{ dtype: 'float32', shape: input.shape }], attributes)[0];
}

/** Packed codes padded to whole blocks (padding codes are never read back: the result is sliced to the real size). */
function paddedUint4(packed: Uint8Array, paddedLength: number): Uint8Array {
  const bytes = new Uint8Array(paddedLength / 2);
  bytes.set(swapNibbles(packed));
  return bytes;
}

/** NF4: float code index = DequantizeLinear(uint4 codes, 1) → Gather from the 16-entry table → × block absmax. */
export function nf4Weight(graph: Graph, name: string, quantized: BlockQuantized, shape: readonly [number, number]): Value {
  const { blockSize, length } = quantized;
  const blocks = quantized.scales.length;
  const padded = blocks * blockSize;
  const codes = graph.initializer(`${name}.nf4_codes`, 'uint4', [blocks, blockSize], paddedUint4(quantized.packed, padded));
  const absmax = graph.initializer(`${name}.nf4_absmax`, 'float32', [blocks, 1], quantized.scales);
  const indices = ops.cast(dequantizeLinear(graph, codes, graph.scalar(1, 'float32')), 'int32');
  const table = graph.constant('float32', [NF4_CODE_TABLE.length], NF4_CODE_TABLE);
  let flat = ops.reshape(ops.mul(ops.gather(table, indices, 0), absmax), [padded]);
  if (padded !== length) flat = ops.slice(flat, [0], [0], [length]);
  return ops.reshape(flat, [...shape]);
}

/**
 * int4: a blocked DequantizeLinear (opset 21) of the TRANSPOSED weight [in, out], blocks along `in` — the
 * DequantizeLinear → MatMul shape ORT turns into MatMulNBits. Returned as [out, in] like every weight; the
 * model's input · weightᵀ then cancels the two transposes (ORT removes the pair).
 */
export function int4Weight(graph: Graph, name: string, quantized: BlockQuantized, shape: readonly [number, number]): Value {
  const [out, inFeatures] = shape;
  const codes = graph.initializer(`${name}.int4_codes`, 'int4', [inFeatures, out], quantized.packed);
  const scales = graph.initializer(`${name}.int4_scales`, 'float32', [quantized.scales.length / out, out], quantized.scales);
  const weight = dequantizeLinear(graph, codes, scales, { axis: attr.int(0), block_size: attr.int(quantized.blockSize) });
  return ops.transpose(weight, [1, 0]);
}

/** Row-major [rows, columns] → its transpose. */
export function transposeMatrix(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < rows; row++) for (let column = 0; column < columns; column++) out[column * rows + row] = values[row * columns + column];
  return out;
}

export interface QuantizedTensor {
  type: QuantType;
  shape: [number, number];
  data: BlockQuantized;
}

/** Quantises an [out, in] weight: NF4 over the flattened row-major tensor (bitsandbytes), int4 over [in, out] columns. */
export function quantizeWeight(type: QuantType, values: Float32Array, shape: readonly [number, number], blockSize = 64): QuantizedTensor {
  const [out, inFeatures] = shape;
  const data = type === 'nf4' ? quantizeNf4(values, blockSize) : quantizeInt4Columns(transposeMatrix(values, out, inFeatures), inFeatures, out, blockSize);
  return { type, shape: [out, inFeatures], data };
}

export function quantizedWeightValue(graph: Graph, name: string, tensor: QuantizedTensor): Value {
  return tensor.type === 'nf4' ? nf4Weight(graph, name, tensor.data, tensor.shape) : int4Weight(graph, name, tensor.data, tensor.shape);
}

/** Bytes the session holds for a quantised weight (codes + scales). */
export function quantizedBytes(tensor: QuantizedTensor): number {
  return tensor.data.packed.byteLength + tensor.data.scales.byteLength;
}
