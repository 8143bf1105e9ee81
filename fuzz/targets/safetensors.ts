// The safetensors reader: a mutated file is either read (every tensor decoded, floats widened) or refused with a
// located ModelFileError. Edits go mostly to the JSON header, with its length prefix kept right or made wrong.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile, readSafetensorsHeader, readTensorFloat32 } from '../../engine/src/io/safetensors';
import { COMMON_TOKENS, mutateBytes, mutateJsonText, stacked } from '../mutate';
import type { Random } from '../random';
import type { Target } from '../target';
import { GOLDEN, goldenVariants } from './seeds';

const TOKENS = [...COMMON_TOKENS, '"dtype"', '"shape"', '"data_offsets"', '"__metadata__"', '"F32"', '"F16"', '"BF16"', '"F64"', '"I64"',
  '"U8"', '"BOOL"', '"F8_E4M3"', '"I4"', '[0,0]', '[1,2,3]', '[4294967295]', '[0, 9007199254740991]', '[-1]', '[1e400]'];

/** A safetensors file built by hand: the 8-byte header length, the header, then the data. */
export function safetensorsBytes(header: unknown, data: Buffer, declaredLength?: number): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(declaredLength ?? json.length));
  return Buffer.concat([length, json, data]);
}

/** Small files with one tensor per dtype, a scalar, an empty tensor and metadata: quick to mutate and read. */
function smallSeeds(): Buffer[] {
  const dtypes: Array<[string, number]> = [['F32', 4], ['F16', 2], ['BF16', 2], ['F64', 8], ['I64', 8], ['I32', 4], ['U8', 1], ['BOOL', 1], ['I8', 1]];
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [dtype, bytes] of dtypes) {
    header[`t.${dtype}`] = { dtype, shape: [2, 3], data_offsets: [offset, offset + 6 * bytes] };
    offset += 6 * bytes;
  }
  header.scalar = { dtype: 'F32', shape: [], data_offsets: [offset, offset + 4] };
  header.empty = { dtype: 'F32', shape: [0, 5], data_offsets: [offset + 4, offset + 4] };
  const data = Buffer.alloc(offset + 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 0xff;
  return [safetensorsBytes(header, data), safetensorsBytes({ only: { dtype: 'BF16', shape: [4], data_offsets: [0, 8] } }, Buffer.from([0, 0x3f, 0x80, 0x7f, 0xc0, 0x7f, 0x80, 0xff]))];
}

/** Splits a file into its header JSON and the rest, when the length prefix is sane. */
function split(input: Buffer): { header: Buffer; data: Buffer } | null {
  if (input.length < 8) return null;
  const length = Number(input.readBigUInt64LE(0));
  return length <= input.length - 8 ? { header: input.subarray(8, 8 + length), data: input.subarray(8 + length) } : null;
}

function mutateOnce(input: Buffer, random: Random, seeds: readonly Buffer[]): Buffer {
  const parts = split(input);
  if (!parts || random.chance(0.3)) return mutateBytes(input, random, TOKENS, seeds);
  const header = mutateJsonText(parts.header, random, TOKENS, seeds.map((seed) => split(seed)?.header ?? seed));
  const data = random.chance(0.2) ? mutateBytes(parts.data, random, TOKENS, seeds) : parts.data;
  const json = Buffer.from(header);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(random.chance(0.9) ? json.length : Math.max(0, json.length + random.pick([-1, 1, 8, 1 << 20, 2 ** 40]))));
  return Buffer.concat([length, json, data]);
}

export const safetensorsTarget: Target = {
  name: 'safetensors',
  seeds: () => {
    const golden = goldenVariants().flatMap((variant) =>
      readdirSync(join(GOLDEN, variant)).filter((name) => name.endsWith('.safetensors')).map((name) => readFileSync(join(GOLDEN, variant, name))));
    return [...smallSeeds(), ...golden];
  },
  mutate: (seed, random, seeds) => stacked(seed, random, (input, r) => mutateOnce(input, r, seeds)),
  async check(input) {
    const dir = mkdtempSync(join(tmpdir(), 'finetune-fuzz-st-'));
    try {
      const file = join(dir, 'model.safetensors');
      writeFileSync(file, input);
      const header = readSafetensorsHeader(file);
      for (const info of header.tensors.values()) {
        if (['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) readTensorFloat32(info);
      }
      readSafetensorsFile(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
