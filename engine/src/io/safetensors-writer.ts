// Writing safetensors files atomically (temp file in the same folder, fsync, rename), tensor by tensor so a merged
// model never needs all its bytes in memory at once: `data` may be a function called just before its bytes are
// written. Also writes sharded checkpoints with a `model.safetensors.index.json` weight map, as transformers does.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DTYPE_BYTES, float32ToBfloat16, float32ToFloat16, type SafetensorsDtype } from './dtype';

export type TensorBytes = Float32Array | Uint16Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface TensorToWrite {
  name: string;
  /** Stored dtype. Float32Array data is converted when the dtype is F16 or BF16. */
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorBytes | (() => TensorBytes);
}

function storedBytes(tensor: TensorToWrite): Uint8Array {
  let data = typeof tensor.data === 'function' ? tensor.data() : tensor.data;
  if (data instanceof Float32Array && tensor.dtype === 'F16') data = float32ToFloat16(data);
  else if (data instanceof Float32Array && tensor.dtype === 'BF16') data = float32ToBfloat16(data);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const expected = tensorByteLength(tensor);
  if (bytes.byteLength !== expected) {
    throw new Error(`tensor '${tensor.name}': ${bytes.byteLength} bytes of data for ${tensor.dtype}${JSON.stringify(tensor.shape)} (${expected} expected)`);
  }
  return bytes;
}

function tensorByteLength(tensor: { dtype: SafetensorsDtype; shape: number[] }): number {
  return tensor.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[tensor.dtype];
}

/** Header JSON padded with spaces to a multiple of 8 bytes so the data is aligned. */
function encodeHeader(tensors: TensorToWrite[], metadata: Record<string, string> | undefined): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const tensor of tensors) {
    const length = tensorByteLength(tensor);
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const body = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + body.length);
  out.writeBigUInt64LE(BigInt(body.length), 0);
  body.copy(out, 8);
  return out;
}

/** Writes `tensors` (in the given order) to `file`, replacing it only once everything is on disk. */
export function writeSafetensors(file: string, tensors: TensorToWrite[], metadata?: Record<string, string>): void {
  const names = new Set<string>();
  for (const tensor of tensors) {
    if (names.has(tensor.name)) throw new Error(`tensor '${tensor.name}' given twice`);
    names.add(tensor.name);
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    writeAll(fd, encodeHeader(tensors, metadata));
    for (const tensor of tensors) writeAll(fd, storedBytes(tensor));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/**
 * Writes one `model.safetensors` when everything fits in `maxShardBytes`, else `model-0000i-of-0000n.safetensors`
 * files plus `model.safetensors.index.json`. Returns the file names written.
 */
export function writeModelSafetensors(dir: string, tensors: TensorToWrite[], maxShardBytes = 5 * 2 ** 30, metadata: Record<string, string> = { format: 'pt' }): string[] {
  const shards: TensorToWrite[][] = [[]];
  let shardBytes = 0;
  for (const tensor of tensors) {
    const length = tensorByteLength(tensor);
    if (shardBytes > 0 && shardBytes + length > maxShardBytes) {
      shards.push([]);
      shardBytes = 0;
    }
    shards[shards.length - 1].push(tensor);
    shardBytes += length;
  }
  if (shards.length === 1) {
    writeSafetensors(join(dir, 'model.safetensors'), tensors, metadata);
    return ['model.safetensors'];
  }
  const pad = (n: number) => String(n).padStart(5, '0');
  const files = shards.map((_, i) => `model-${pad(i + 1)}-of-${pad(shards.length)}.safetensors`);
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    writeSafetensors(join(dir, files[i]), shard, metadata);
    for (const tensor of shard) weightMap[tensor.name] = files[i];
  });
  const totalSize = tensors.reduce((sum, tensor) => sum + tensorByteLength(tensor), 0);
  const index = JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2);
  const indexFile = join(dir, 'model.safetensors.index.json');
  writeFileSync(`${indexFile}.tmp`, index + '\n');
  renameSync(`${indexFile}.tmp`, indexFile);
  return [...files, 'model.safetensors.index.json'];
}
