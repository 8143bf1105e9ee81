// Output written as UTF-8 straight into a buffer, handed to the stream a buffer at a time, waiting for a full pipe to
// drain. For `finetune lint --json` with a finding on every line (18 MB for 100k findings), concatenating the
// findings into strings and letting the stream encode them cost 2–3× as much: Buffer.from had to flatten a rope of
// thousands of small strings first (measured 2026-12-06: 170–200 ms vs 60–70 ms for 100k findings).

/** A writable the output goes to: process.stdout, or a collector in tests. */
export interface OutputStream {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Bytes gathered before a write: large enough that the calls into the stream stay few. */
const CHUNK_BYTES = 1 << 16;

export class ByteOutput {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  /** Full chunks appended since the last flush, in order. */
  private readonly full: Buffer[] = [];

  constructor(private readonly stream: OutputStream) {}

  /** Appends `text`, then flushIfFull. */
  async write(text: string): Promise<void> {
    this.append(text);
    await this.flushIfFull();
  }

  /** Hands what was gathered to the stream once it is a chunk's worth, waiting for it (a stalled pipe must not fill memory). */
  async flushIfFull(): Promise<void> {
    if (this.full.length || this.used >= CHUNK_BYTES >> 1) await this.flush();
  }

  /** Appends `text` without waiting: for the many small pieces of one batch, followed by flushIfFull or flush. */
  append(text: string): void {
    // a UTF-16 code unit takes at most 3 bytes: with that much room the string never gets split
    const at = this.reserve(text.length * 3);
    this.commit(at + this.buffer.write(text, at));
  }

  /**
   * Room for `bytes` more bytes, for an encoder that writes them itself: the offset in `current` where they go. It
   * then calls `commit` with the offset after what it wrote; without a commit nothing of it is output.
   */
  reserve(bytes: number): number {
    if (this.used + bytes > this.buffer.length) this.nextChunk(bytes);
    return this.used;
  }

  /** The buffer that `reserve`'s offset points into. */
  get current(): Buffer {
    return this.buffer;
  }

  commit(end: number): void {
    this.used = end;
  }

  async flush(): Promise<void> {
    if (this.used) this.nextChunk(0);
    // the stream may keep a chunk until it is written, so chunks are never reused
    for (const chunk of this.full.splice(0)) {
      if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
    }
  }

  /** Sets the gathered bytes aside as a chunk and starts a buffer with room for at least `bytes`. */
  private nextChunk(bytes: number): void {
    if (this.used) this.full.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.used = 0;
  }
}
