// The subset of onnx.proto (ONNX 1.20, IR version 11+) that the engine writes, as plain TypeScript types.
// Field numbers live in encode.ts beside each message; enum values here mirror onnx.proto exactly.

/** TensorProto.DataType — current schema, including the 4-bit and 8-bit float types that old copies lack. */
export enum DataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
  FLOAT4E2M1 = 23,
  FLOAT8E8M0 = 24,
  UINT2 = 25,
  INT2 = 26,
}

/** AttributeProto.AttributeType. */
export enum AttributeType {
  UNDEFINED = 0,
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  GRAPH = 5,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
  TENSORS = 9,
  GRAPHS = 10,
  SPARSE_TENSOR = 11,
  SPARSE_TENSORS = 12,
  TYPE_PROTO = 13,
  TYPE_PROTOS = 14,
}

/** A dimension: a fixed size, a named symbolic size, or unknown (null). */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  elemType: DataType;
  /** Undefined means unknown rank. */
  shape?: OnnxDim[];
}

/** Where a tensor's bytes live when they are written beside the model instead of inside it. */
export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

export interface OnnxTensor {
  name: string;
  dataType: DataType;
  dims: number[];
  /** Little-endian packed bytes (4-bit types: two per byte, low nibble first). */
  rawData?: Uint8Array;
  external?: ExternalLocation;
}

export type OnnxAttributeValue =
  | { type: AttributeType.FLOAT; value: number }
  | { type: AttributeType.INT; value: number | bigint }
  | { type: AttributeType.STRING; value: string }
  | { type: AttributeType.TENSOR; value: OnnxTensor }
  | { type: AttributeType.GRAPH; value: OnnxGraph }
  | { type: AttributeType.FLOATS; value: number[] }
  | { type: AttributeType.INTS; value: (number | bigint)[] }
  | { type: AttributeType.STRINGS; value: string[] };

export interface OnnxNode {
  opType: string;
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttributeValue>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  graph: OnnxGraph;
  metadata?: Record<string, string>;
}

/** Bytes per element, or 0.5 for the packed 4-bit types. */
export function elementByteSize(type: DataType): number {
  switch (type) {
    case DataType.BOOL:
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.FLOAT8E4M3FN:
    case DataType.FLOAT8E4M3FNUZ:
    case DataType.FLOAT8E5M2:
    case DataType.FLOAT8E5M2FNUZ:
    case DataType.FLOAT8E8M0:
      return 1;
    case DataType.UINT16:
    case DataType.INT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return 2;
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 4;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
    case DataType.COMPLEX64:
      return 8;
    case DataType.COMPLEX128:
      return 16;
    case DataType.UINT4:
    case DataType.INT4:
    case DataType.FLOAT4E2M1:
      return 0.5;
    case DataType.UINT2:
    case DataType.INT2:
      return 0.25;
    default:
      throw new Error(`no fixed element size for ONNX data type ${DataType[type] ?? type}`);
  }
}
