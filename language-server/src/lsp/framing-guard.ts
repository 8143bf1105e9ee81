// Watches the LSP byte stream on stdin beside vscode-jsonrpc's reader and ends the process when the framing breaks.
// On a header block without a usable Content-Length the reader reports an error nobody listens to, drops the block
// and goes on reading the body as if it were the next header: every later message is lost and the server hangs.
// The stream cannot be resynchronised (a body may contain anything), so the honest answer is one line on stderr and
// exit code 1; an editor's client then restarts the server. A body that is not JSON keeps the framing: the
// connection answers it with a parse error and goes on.
import type { Readable } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n');
/** A header block longer than this has no end in sight: real ones are under 100 bytes. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Follows header blocks and bodies in `stream`; calls `broken` once, with the reason, when a header is unusable. */
export function watchMessageFraming(stream: Readable, broken: (reason: string) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  let bodyLeft = 0;
  let done = false;
  stream.on('data', (chunk: Buffer | string) => {
    if (done) return;
    let data: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (data.length > 0) {
      if (bodyLeft > 0) {
        const skipped = Math.min(bodyLeft, data.length);
        bodyLeft -= skipped;
        data = data.subarray(skipped);
        continue;
      }
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      data = Buffer.alloc(0);
      const end = pending.indexOf(HEADER_END);
      if (end < 0) {
        if (pending.length > MAX_HEADER_BYTES) fail(`a message header of over ${MAX_HEADER_BYTES} bytes without an end`);
        return;
      }
      const length = contentLength(pending.subarray(0, end).toString('ascii'));
      if (typeof length === 'string') return fail(length);
      data = pending.subarray(end + HEADER_END.length);
      pending = Buffer.alloc(0);
      bodyLeft = length;
    }
  });

  function fail(reason: string): void {
    done = true;
    broken(reason);
  }
}

/** The Content-Length of a header block, or why there is none (as vscode-jsonrpc reads headers). */
function contentLength(block: string): number | string {
  let length: number | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) return `a message header line without ':' (${JSON.stringify(line.slice(0, 40))})`;
    if (line.slice(0, colon).trim().toLowerCase() === 'content-length') length = Number.parseInt(line.slice(colon + 1).trim(), 10);
  }
  if (length === undefined) return 'a message header without Content-Length';
  if (!Number.isFinite(length) || length < 0) return 'a message header whose Content-Length is not a number';
  return length;
}

/** For `--stdio` servers: a broken stream ends the process with one line on stderr instead of a silent hang. */
export function exitWhenStdioFramingBreaks(): void {
  if (!process.argv.includes('--stdio')) return;
  watchMessageFraming(process.stdin, (reason) => {
    process.stderr.write(`finetune language server: ${reason}; the LSP stream cannot be resynchronised, exiting\n`);
    process.exit(1);
  });
}
