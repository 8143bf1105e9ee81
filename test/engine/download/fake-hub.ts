// A Hugging Face Hub on 127.0.0.1 for the download tests (no internet): the model info API with `siblings` (size,
// blobId, lfs.sha256), `resolve` routes that redirect LFS files to a second server (a "CDN" on another origin, so the
// token must not follow), HTTP Range, gated repositories, 404s with the Hub's X-Error-Code, and connections
// dropped after a chosen number of bytes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FakeRepo {
  files: Map<string, Buffer>;
  commit: string;
  /** Token required by resolve (the API answers gated: "manual"). */
  gatedToken?: string;
  /** Listed sha256 overrides (to prove a mismatch is caught). */
  wrongSha256?: Set<string>;
}

export interface RequestRecord {
  server: 'hub' | 'cdn';
  path: string;
  range?: string;
  authorization?: string;
}

export class FakeHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly requests: RequestRecord[] = [];
  /** Paths served with endless junk after their bytes (no content-length), until the client hangs up or 64 MiB. */
  readonly oversized = new Set<string>();
  /** Junk bytes written after the real ones, per oversized path. */
  readonly junkSent = new Map<string, number>();
  /** Path inside a repo → how many times more to drop its transfer after this many bytes. */
  readonly drops = new Map<string, { afterBytes: number; times: number }>();
  private hub!: Server;
  private cdn!: Server;
  private readonly blobs = new Map<string, Buffer>();

  get endpoint(): string {
    return `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
  }
  private get cdnOrigin(): string {
    return `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.hub = createServer((request, response) => this.handleHub(request, response));
    this.cdn = createServer((request, response) => this.handleCdn(request, response));
    await Promise.all([this.hub, this.cdn].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  }

  async stop(): Promise<void> {
    for (const server of [this.hub, this.cdn]) server.closeAllConnections();
    await Promise.all([this.hub, this.cdn].map((server) => new Promise((resolve) => server.close(resolve))));
  }

  /** A repository holding every file of a folder (plus extra files), at a fixed commit. */
  addFolder(repo: string, folder: string, extra: Record<string, Buffer> = {}, options: Partial<FakeRepo> = {}): FakeRepo {
    const files = new Map<string, Buffer>();
    for (const name of readdirSync(folder)) files.set(name, readFileSync(join(folder, name)));
    for (const [name, data] of Object.entries(extra)) files.set(name, data);
    return this.addRepo(repo, files, options);
  }

  addRepo(repo: string, files: Map<string, Buffer>, options: Partial<FakeRepo> = {}): FakeRepo {
    const entry: FakeRepo = { commit: createHash('sha1').update(repo).digest('hex'), ...options, files };
    this.repos.set(repo, entry);
    for (const data of files.values()) this.blobs.set(sha256(data), data);
    return entry;
  }

  requestsFor(suffix: string): RequestRecord[] {
    return this.requests.filter((request) => request.path.endsWith(suffix));
  }

  private handleHub(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.endpoint);
    this.requests.push({ server: 'hub', path: url.pathname, range: request.headers.range, authorization: request.headers.authorization });
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (api) return this.modelInfo(decodeURIComponent(api[1]), decodeURIComponent(api[2]), response);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!resolve) return fail(response, 404, 'RepoNotFound');
    const repo = this.repos.get(resolve[1]);
    if (!repo) return fail(response, 401, 'RepoNotFound');
    if (repo.gatedToken && request.headers.authorization !== `Bearer ${repo.gatedToken}`) return fail(response, 401, 'GatedRepo');
    const revision = decodeURIComponent(resolve[2]);
    if (revision !== 'main' && revision !== repo.commit) return fail(response, 404, 'RevisionNotFound');
    const path = resolve[3].split('/').map(decodeURIComponent).join('/');
    const data = repo.files.get(path);
    if (!data) return fail(response, 404, 'EntryNotFound');
    // LFS files (the weights) go through a redirect to the CDN, as on the real Hub; small files are served here.
    if (path.endsWith('.safetensors')) {
      response.writeHead(302, { location: `${this.cdnOrigin}/blobs/${sha256(data)}?file=${encodeURIComponent(path)}` });
      response.end();
      return;
    }
    this.serve(request, response, data, path);
  }

  private handleCdn(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.cdnOrigin);
    this.requests.push({ server: 'cdn', path: url.pathname, range: request.headers.range, authorization: request.headers.authorization });
    const data = this.blobs.get(url.pathname.replace('/blobs/', ''));
    if (!data) return fail(response, 404, 'EntryNotFound');
    this.serve(request, response, data, url.searchParams.get('file') ?? '');
  }

  private modelInfo(repoId: string, revision: string, response: ServerResponse): void {
    const repo = this.repos.get(repoId);
    if (!repo) return fail(response, 404, 'RepoNotFound');
    if (revision !== 'main' && revision !== repo.commit) return fail(response, 404, 'RevisionNotFound');
    const siblings = [...repo.files].map(([path, data]) => {
      const lfs = path.endsWith('.safetensors') || path.endsWith('.bin');
      const listedSha = repo.wrongSha256?.has(path) ? '0'.repeat(64) : sha256(data);
      return lfs
        ? { rfilename: path, size: data.length, blobId: 'f'.repeat(40), lfs: { sha256: listedSha, size: data.length, pointerSize: 134 } }
        : { rfilename: path, size: data.length, blobId: createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex') };
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: repoId, sha: repo.commit, gated: repo.gatedToken ? 'manual' : false, siblings }));
  }

  private serve(request: IncomingMessage, response: ServerResponse, data: Buffer, path: string): void {
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= data.length) {
        response.writeHead(416, { 'content-range': `bytes */${data.length}` });
        response.end();
        return;
      }
    }
    if (this.oversized.has(path)) return this.serveOversized(response, data.subarray(start), path);
    const headers: Record<string, string | number> = { 'content-length': data.length - start, 'accept-ranges': 'bytes' };
    if (range) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    response.writeHead(range ? 206 : 200, headers);
    const drop = this.drops.get(path);
    if (drop && drop.times > 0 && data.length - start > drop.afterBytes) {
      drop.times--;
      // Promise the whole body, send part of it, then cut the connection: the client sees a dropped transfer.
      // end() sends FIN after the bytes (destroy could reset the socket and lose bytes the client had not read yet).
      response.write(data.subarray(start, start + drop.afterBytes), () => response.socket?.end());
      return;
    }
    response.end(data.subarray(start));
  }

  /** The file's bytes, then junk in 64 KiB chunks while the client reads (a server that does not stop at the size). */
  private serveOversized(response: ServerResponse, data: Buffer, path: string): void {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.write(data);
    const junk = Buffer.alloc(64 * 1024, 0x58);
    let sent = 0;
    const more = (): void => {
      while (!response.destroyed && sent < 64 * 1024 * 1024) {
        sent += junk.length;
        this.junkSent.set(path, sent);
        if (!response.write(junk)) {
          response.once('drain', more);
          return;
        }
      }
      response.end();
    };
    more();
  }
}

function fail(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { 'x-error-code': code, 'content-type': 'text/plain' });
  response.end(code);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
