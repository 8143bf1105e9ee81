// Streams a file as lines without ever holding it whole: splits byte chunks on '\n', decodes each line as UTF-8
// (invalid bytes become U+FFFD, which the encoding rule reports), and refuses to assemble a line longer than a
// limit (a multi-gigabyte "line" is not a record; V8 could not even hold it as a string). Lines come in batches
// of up to BATCH_LINES, so the per-line cost stays a function call rather than an async step; a chunk's lines are
// decoded a batch at a time, when the consumer asks for it, so the strings it is done with die young (decoding a
// whole 1 MB chunk up front kept a megabyte of strings alive across scavenges, which copied and promoted them).
import type { Readable } from 'node:stream';

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Lines per batch at most. */
export const BATCH_LINES = 256;

export interface SourceLine {
  /** The line without '\n' (a '\r' before it stays for the caller to strip). Empty when oversized. */
  text: string;
  /** 0-based. */
  number: number;
  /** Set when the line was longer than MAX_LINE_BYTES and `text` is empty. */
  oversizedBytes?: number;
}

export async function* readLineBatches(stream: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<SourceLine[]> {
  let pieces: Buffer[] = [];
  let pending = 0;
  let oversized = false;
  let number = 0;
  const take = (tail: Buffer | null): SourceLine => {
    const length = pending + (tail ? tail.length : 0);
    let line: SourceLine;
    if (oversized || length > maxLineBytes) line = { text: '', number: number++, oversizedBytes: length };
    else if (pieces.length === 0) line = { text: tail ? tail.toString('utf8') : '', number: number++ };
    else line = { text: Buffer.concat(tail ? [...pieces, tail] : pieces).toString('utf8'), number: number++ };
    pieces = [];
    pending = 0;
    oversized = false;
    return line;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let batch: SourceLine[] = [];
    let from = 0;
    for (let newline = chunk.indexOf(10, from); newline >= 0; newline = chunk.indexOf(10, from)) {
      batch.push(take(chunk.subarray(from, newline)));
      from = newline + 1;
      if (batch.length === BATCH_LINES) {
        yield batch;
        batch = [];
      }
    }
    if (from < chunk.length) {
      const rest = chunk.subarray(from);
      pending += rest.length;
      if (pending > maxLineBytes) {
        oversized = true;
        pieces = [];
      } else if (!oversized) pieces.push(Buffer.from(rest));
    }
    if (batch.length) yield batch;
  }
  if (pending > 0 || oversized) yield [take(null)];
}

export async function forEachLine(stream: Readable, onLine: (line: string, lineNumber: number) => void): Promise<void> {
  for await (const batch of readLineBatches(stream)) for (const line of batch) onLine(line.text, line.number);
}
