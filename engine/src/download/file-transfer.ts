// One file from the Hub to disk: streamed into `<name>.part`, resumed with an HTTP Range request when a `.part`
// exists (from a dropped connection in this run or an earlier one), checked against the size and hash the Hub lists
// (sha256 for LFS files, the git blob id for small ones), then renamed into place so a reader never sees half a file.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DownloadError, hubGet, networkError, responseError, type HubConnection, type RepoFile } from './hub-client';

export interface TransferOptions {
  connection: HubConnection;
  url: string;
  target: string;
  file: RepoFile;
  /** For error messages: the repository and revision the file comes from. */
  repo: string;
  revision: string;
  /** Tries per file: a dropped connection or a server error resumes from where the `.part` ends. Default 5. */
  attempts?: number;
  /** Called with each chunk's length as it lands ('network'), and with bytes found in or dropped from a `.part`. */
  onBytes?: (count: number, kind: 'network' | 'resumed') => void;
  /** Milliseconds before a retry, times the attempt number. Default 500. */
  retryDelayMs?: number;
}

export interface TransferResult {
  /** Bytes already in the `.part` when the first request went out (0 for a fresh download). */
  resumedFrom: number;
  /** Bytes received over the network in this call. */
  received: number;
}

export function partPath(target: string): string {
  return `${target}.part`;
}

export async function transferFile(options: TransferOptions): Promise<TransferResult> {
  const { url, target, file } = options;
  const part = partPath(target);
  const attempts = options.attempts ?? 5;
  let resumedFrom = -1;
  let received = 0;
  for (let attempt = 1; ; attempt++) {
    let offset = existsSync(part) ? statSync(part).size : 0;
    if (file.size !== undefined && offset > file.size) {
      rmSync(part);
      offset = 0;
    }
    if (resumedFrom < 0) {
      resumedFrom = offset;
      if (offset > 0) options.onBytes?.(offset, 'resumed');
    }
    if (file.size !== undefined && offset === file.size) break; // a complete `.part` from an earlier run
    try {
      received += await receive(options, part, offset);
      if (file.size === undefined || statSync(part).size === file.size) break;
      throw new DownloadError('network', url, `connection ended at ${statSync(part).size} of ${file.size} bytes`);
    } catch (error) {
      const retryable = error instanceof DownloadError && (error.code === 'network' || (error.code === 'http' && /HTTP 5\d\d/.test(error.message)));
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 500) * attempt));
    }
  }
  await verify(part, file, url);
  renameSync(part, target);
  return { resumedFrom, received };
}

/** One request: appends to the `.part` from `offset` (206) or rewrites it (200, a server that ignores Range). */
async function receive(options: TransferOptions, part: string, offset: number): Promise<number> {
  const { connection, url } = options;
  const response = await hubGet(url, connection, offset > 0 ? { range: `bytes=${offset}-` } : {});
  if (response.status === 416) {
    // The server says the range starts past the end: the `.part` is not a prefix of this file. Start over.
    await response.body?.cancel();
    rmSync(part, { force: true });
    options.onBytes?.(-offset, 'resumed');
    throw new DownloadError('network', url, 'range not satisfiable; restarting the file');
  }
  if (!response.ok) throw await responseError(response, url, options.repo, options.revision);
  let append = false;
  if (offset > 0 && response.status === 206) {
    const start = /bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
    if (Number(start) !== offset) {
      await response.body?.cancel();
      rmSync(part, { force: true });
      options.onBytes?.(-offset, 'resumed');
      throw new DownloadError('network', url, `asked for bytes from ${offset}, got '${response.headers.get('content-range')}'; restarting the file`);
    }
    append = true;
  } else if (offset > 0) {
    options.onBytes?.(-offset, 'resumed'); // the server sent the whole file: what the `.part` held is counted again from 0
  }
  // The file ends at the size the Hub lists: a server that sends more (or never stops) does not fill the disk; the
  // hash check then decides whether the bytes kept are the file.
  const limit = options.file.size === undefined ? Number.POSITIVE_INFINITY : options.file.size - (append ? offset : 0);
  const handle = await open(part, append ? 'a' : 'w');
  let count = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const kept = chunk.length > limit - count ? chunk.subarray(0, limit - count) : chunk;
        await handle.write(kept);
        count += kept.length;
        options.onBytes?.(kept.length, 'network');
        if (count >= limit) break; // leaving the loop cancels the rest of the body
      }
    }
  } catch (error) {
    throw error instanceof DownloadError ? error : networkError(url, error, connection.signal);
  } finally {
    await handle.close();
  }
  return count;
}

async function verify(part: string, file: RepoFile, url: string): Promise<void> {
  const size = statSync(part).size;
  if (file.size !== undefined && size !== file.size) {
    rmSync(part);
    throw new DownloadError('size-mismatch', url, `received ${size} bytes, the Hub lists ${file.size}; the partial file was deleted, run again`);
  }
  const expected = file.sha256 ?? file.blobId;
  if (!expected) return;
  const actual = file.sha256 ? await hashFile(part, 'sha256') : await hashFile(part, 'sha1', `blob ${size}\0`);
  if (actual !== expected) {
    rmSync(part);
    throw new DownloadError('checksum-mismatch', url, `${file.sha256 ? 'sha256' : 'git blob id'} ${actual} differs from the Hub's ${expected}; the file was deleted, run again`);
  }
}

export async function hashFile(path: string, algorithm: 'sha256' | 'sha1', prefix = ''): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether a file already on disk is this repository file (size and, where listed, hash): it is not fetched again. */
export async function isAlreadyDownloaded(target: string, file: RepoFile): Promise<boolean> {
  if (!existsSync(target)) return false;
  const size = statSync(target).size;
  if (file.size !== undefined && size !== file.size) return false;
  if (file.sha256) return (await hashFile(target, 'sha256')) === file.sha256;
  if (file.blobId) return (await hashFile(target, 'sha1', `blob ${size}\0`)) === file.blobId;
  return file.size !== undefined;
}
