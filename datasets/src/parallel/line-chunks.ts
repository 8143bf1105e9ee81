// Reads a file as blocks of whole lines, still as bytes: the parallel linter hands each block to a worker thread,
// which decodes and analyses it, so the main thread never decodes the file. Blocks are read straight into buffers the
// workers hand back (fresh memory costs a page fault per 4 KB, which on a virtual machine outweighs the reading),
// and only the unfinished line at a block's end is copied. Line numbering and the per-line size limit work as in
// line/line-reader.ts: a line longer than the limit is reported by number and never assembled.
import { open } from 'node:fs/promises';

export type LineChunk =
  /** Complete lines, each ended by '\n' except possibly the file's last; `count` lines from `firstLine`. */
  | { kind: 'lines'; bytes: Uint8Array; firstLine: number; count: number }
  /** A line that grew past the limit before its line break came. */
  | { kind: 'oversized'; line: number; bytes: number };

export const BLOCK_BYTES = 1 << 20;

function view(bytes: Uint8Array, end = bytes.length): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, end);
}

export function countNewlines(bytes: Uint8Array): number {
  const buffer = view(bytes);
  let count = 0;
  for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) count++;
  return count;
}

/** `spare` hands out a returned buffer to reuse, if any; a block's bytes belong to its consumer until it returns them. */
export async function* readFileLineChunks(path: string, maxLineBytes: number, spare: () => Uint8Array | undefined): AsyncGenerator<LineChunk> {
  const handle = await open(path, 'r');
  let carry = new Uint8Array(0); // the unfinished line, copied out of the previous block
  let skipping = -1; // bytes of an oversized line skipped so far, or -1
  let line = 0;
  const take = (minimum: number): Uint8Array => {
    const reused = spare();
    // shared, not transferred, with the worker threads (lint-parallel.ts says why)
    return reused && reused.length >= minimum ? reused : new Uint8Array(new SharedArrayBuffer(Math.max(BLOCK_BYTES, minimum)));
  };
  try {
    for (;;) {
      // a line longer than a block doubles the buffer rather than growing it a block at a time
      const buffer = take(carry.length < BLOCK_BYTES / 2 ? BLOCK_BYTES : carry.length * 2);
      buffer.set(carry, 0);
      const { bytesRead } = await handle.read(buffer, carry.length, buffer.length - carry.length, null);
      const filled = carry.length + bytesRead;
      carry = new Uint8Array(0);
      const bytes = view(buffer, filled);
      if (bytesRead === 0) {
        if (skipping >= 0) yield { kind: 'oversized', line: line++, bytes: skipping };
        else if (filled > 0) yield { kind: 'lines', bytes: buffer.subarray(0, filled), firstLine: line++, count: 1 };
        return;
      }
      let from = 0;
      if (skipping >= 0) {
        const end = bytes.indexOf(10);
        if (end < 0) {
          skipping += filled;
          continue;
        }
        yield { kind: 'oversized', line: line++, bytes: skipping + end };
        skipping = -1;
        from = end + 1;
      }
      const last = bytes.lastIndexOf(10);
      if (last < from) {
        // no line ends in this block: keep the line (or start skipping it once it is too long)
        if (filled - from > maxLineBytes) skipping = filled - from;
        else carry = buffer.slice(from, filled);
        continue;
      }
      carry = buffer.slice(last + 1, filled);
      if (from > 0) {
        // rare (after a skipped line): move the lines to the buffer's start so a block is always a prefix
        buffer.copyWithin(0, from, last + 1);
      }
      const block = buffer.subarray(0, last + 1 - from);
      const count = countNewlines(block);
      yield { kind: 'lines', bytes: block, firstLine: line, count };
      line += count;
    }
  } finally {
    await handle.close();
  }
}
