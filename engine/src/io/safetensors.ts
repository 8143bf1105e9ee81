// Reading safetensors files (https://github.com/huggingface/safetensors, "Format" section): an 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {str: str}},
// then the data. Offsets are relative to the data start, must tile it exactly (no overlap, no holes), and the file
// must hold all of it. The header is validated up front; tensor data is read lazily by offset, one tensor at a time.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DTYPE_BYTES, decodeBytes, isSafetensorsDtype, toFloat32, type LoadedData, type SafetensorsDtype } from './dtype';
import { ModelFileError } from '../../../contracts/src/model-file-error';
import { assertModelFile } from '../../../contracts/src/user-file';

/** Headers above this are refused (the Rust implementation uses the same bound). */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range in the file. */
  start: number;
  end: number;
  file: string;
}

export interface SafetensorsHeader {
  file: string;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  dataStart: number;
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** Parses and validates the header of `file`; reads no tensor data. */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  assertModelFile(file, 'the safetensors file');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new ModelFileError('missing-file', file, 'cannot open the safetensors file');
  }
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize < 8) throw new ModelFileError('truncated', file, `file is ${fileSize} bytes, shorter than the 8-byte header length`);
    const headerLength = Number(readExactly(fd, 8, 0).readBigUInt64LE(0));
    if (headerLength > MAX_HEADER_BYTES) throw new ModelFileError('bad-header', file, `header length ${headerLength} is implausible (not a safetensors file?)`);
    if (8 + headerLength > fileSize) throw new ModelFileError('truncated', file, `header says ${headerLength} bytes but the file has ${fileSize - 8} after the length`);
    const text = readExactly(fd, headerLength, 8).toString('utf8');
    return parseHeader(file, text, 8 + headerLength, fileSize);
  } finally {
    closeSync(fd);
  }
}

function parseHeader(file: string, text: string, dataStart: number, fileSize: number): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError('bad-header', file, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFileError('bad-header', file, 'header is not a JSON object');
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null) throw new ModelFileError('bad-header', file, '__metadata__ is not an object', { key: name });
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value !== 'string') throw new ModelFileError('bad-header', file, `metadata value is not a string`, { key: `__metadata__.${key}` });
        metadata[key] = value;
      }
      continue;
    }
    tensors.set(name, parseEntry(file, name, entry, dataStart));
  }
  checkTiling(file, [...tensors.values()], dataStart, fileSize);
  return { file, tensors, metadata, dataStart };
}

function parseEntry(file: string, name: string, entry: unknown, dataStart: number): TensorInfo {
  const fail = (code: 'bad-header' | 'bad-dtype' | 'bad-offsets', what: string) => new ModelFileError(code, file, what, { tensor: name });
  if (typeof entry !== 'object' || entry === null) throw fail('bad-header', 'entry is not an object');
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) throw fail('bad-dtype', `unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw fail('bad-header', `shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
    throw fail('bad-offsets', `data_offsets ${JSON.stringify(offsets)} is not [begin, end] with 0 <= begin <= end`);
  }
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
  if (offsets[1] - offsets[0] !== expected) {
    throw fail('bad-offsets', `data_offsets span ${offsets[1] - offsets[0]} bytes but ${dtype}${JSON.stringify(shape)} needs ${expected}`);
  }
  return { name, dtype, shape: shape as number[], start: dataStart + offsets[0], end: dataStart + offsets[1], file };
}

/** The spec requires the tensors to cover the data exactly; a shorter file is a truncated download or copy. */
function checkTiling(file: string, tensors: TensorInfo[], dataStart: number, fileSize: number): void {
  const sorted = [...tensors].sort((a, b) => a.start - b.start || a.end - b.end);
  let cursor = dataStart;
  let previous: TensorInfo | undefined;
  for (const tensor of sorted) {
    if (tensor.start < cursor) {
      throw new ModelFileError('overlapping-tensors', file, `data overlaps tensor '${previous?.name}'`, { tensor: tensor.name });
    }
    if (tensor.start > cursor) {
      throw new ModelFileError('bad-offsets', file, `${tensor.start - cursor} unindexed bytes before this tensor`, { tensor: tensor.name });
    }
    cursor = tensor.end;
    previous = tensor;
  }
  if (cursor > fileSize) {
    throw new ModelFileError('truncated', file, `file is ${fileSize} bytes but the tensors need ${cursor} (incomplete download?)`, { tensor: previous?.name });
  }
  if (cursor < fileSize) throw new ModelFileError('bad-offsets', file, `${fileSize - cursor} bytes after the last tensor are not indexed`);
}

/** Reads one tensor's bytes from disk and decodes them (BF16 → float32). */
export function readTensor(info: TensorInfo): LoadedData {
  const fd = openSync(info.file, 'r');
  try {
    const bytes = readExactly(fd, info.end - info.start, info.start);
    if (bytes.length !== info.end - info.start) throw new ModelFileError('truncated', info.file, 'file ended inside the tensor data', { tensor: info.name });
    return decodeBytes(info.dtype, bytes);
  } finally {
    closeSync(fd);
  }
}

export function readTensorFloat32(info: TensorInfo): Float32Array {
  if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) {
    throw new ModelFileError('bad-dtype', info.file, `dtype ${info.dtype} is not a float type`, { tensor: info.name });
  }
  return toFloat32(readTensor(info));
}

/** Convenience for small files: every tensor of one file, decoded. */
export function readSafetensorsFile(file: string): { metadata: Record<string, string>; tensors: Map<string, { info: TensorInfo; value: LoadedData }> } {
  const header = readSafetensorsHeader(file);
  const tensors = new Map<string, { info: TensorInfo; value: LoadedData }>();
  for (const info of header.tensors.values()) tensors.set(info.name, { info, value: readTensor(info) });
  return { metadata: header.metadata, tensors };
}
