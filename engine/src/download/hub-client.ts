// The Hugging Face Hub's HTTP API, as much as a download needs: the repository's file list at a revision
// (`GET {endpoint}/api/models/{repo}/revision/{rev}?blobs=true`, as huggingface_hub's model_info(files_metadata=True))
// and files at `{endpoint}/{repo}/resolve/{commit}/{path}`. Redirects are followed by hand so the token never
// travels to another host (resolve answers LFS files with a redirect to a CDN). Failures become located errors.
import { UserError } from '../../../contracts/src/user-error';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
const MAX_REDIRECTS = 10;

export type DownloadErrorCode =
  | 'bad-repo-id'
  | 'unauthorized'
  | 'gated'
  | 'repo-not-found'
  | 'revision-not-found'
  | 'file-not-found'
  | 'pickle-only'
  | 'no-safetensors'
  | 'unsafe-file-name'
  | 'size-mismatch'
  | 'checksum-mismatch'
  | 'destination-not-empty'
  | 'unsupported-model'
  | 'http'
  | 'network'
  | 'cancelled';

/** A download failure with a stable code (tests and callers match on it) and the URL or file it is about. */
export class DownloadError extends UserError<DownloadErrorCode> {
  constructor(code: DownloadErrorCode, readonly where: string, message: string) {
    super(`${where}: ${message}`, code);
  }
}

export interface HubConnection {
  endpoint: string;
  token?: string;
  signal?: AbortSignal;
}

export interface RepoFile {
  /** Path inside the repository (`rfilename`). */
  path: string;
  size?: number;
  /** LFS files: the sha256 of the content. */
  sha256?: string;
  /** Git blob id (sha1 of `blob <size>\0` + content); for LFS files it is the pointer's, so only used for others. */
  blobId?: string;
}

export interface RepoInfo {
  id: string;
  /** The commit the revision resolved to: files are fetched at it, so a moving branch cannot mix two versions. */
  commit: string;
  gated: boolean;
  files: RepoFile[];
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

export function checkRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..')) {
    throw new DownloadError('bad-repo-id', repo, "not a Hub repository id: expected 'owner/name' (letters, digits, '-', '_', '.')");
  }
}

export function repoInfoUrl(endpoint: string, repo: string, revision: string): string {
  return `${trimEndpoint(endpoint)}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
}

export function resolveUrl(endpoint: string, repo: string, revision: string, path: string): string {
  return `${trimEndpoint(endpoint)}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function trimEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

/** GET with redirects followed by hand; the Authorization header goes only to the endpoint's own origin. */
export async function hubGet(url: string, connection: HubConnection, headers: Record<string, string> = {}): Promise<Response> {
  const origin = new URL(connection.endpoint).origin;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const sameOrigin = new URL(current).origin === origin;
    const requestHeaders: Record<string, string> = { 'user-agent': 'finetune-studio', ...headers };
    if (connection.token && sameOrigin) requestHeaders.authorization = `Bearer ${connection.token}`;
    let response: Response;
    try {
      response = await fetch(current, { headers: requestHeaders, redirect: 'manual', signal: connection.signal });
    } catch (error) {
      throw networkError(current, error, connection.signal);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return response;
  }
  throw new DownloadError('http', url, `more than ${MAX_REDIRECTS} redirects`);
}

export function networkError(url: string, error: unknown, signal?: AbortSignal): DownloadError {
  if (signal?.aborted) return new DownloadError('cancelled', url, 'download cancelled');
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new DownloadError('network', url, `network error (${detail}); run the same command again to resume`);
}

/** Turns a failed response into the error a user can act on (the Hub names the case in X-Error-Code). */
export async function responseError(response: Response, url: string, repo: string, revision: string): Promise<DownloadError> {
  const hubCode = response.headers.get('x-error-code') ?? '';
  const hubMessage = response.headers.get('x-error-message') ?? (await response.text().catch(() => '')).slice(0, 200);
  const tokenHint = 'pass --token or set HF_TOKEN (a token from https://huggingface.co/settings/tokens)';
  if (hubCode === 'GatedRepo') {
    return new DownloadError('gated', repo, `gated model: accept its conditions on the model page, then ${tokenHint} (${response.status})`);
  }
  if (hubCode === 'RepoNotFound' || (response.status === 404 && url.includes('/api/models/') && hubCode !== 'RevisionNotFound')) {
    return new DownloadError('repo-not-found', repo, 'repository not found (check the id; a private repository also needs a token)');
  }
  if (hubCode === 'RevisionNotFound') return new DownloadError('revision-not-found', `${repo}@${revision}`, 'revision not found (a branch, tag or commit of the repository)');
  if (hubCode === 'EntryNotFound' || response.status === 404) return new DownloadError('file-not-found', url, 'file not found at this revision');
  if (response.status === 401) return new DownloadError('unauthorized', repo, `authentication required (private, gated, or missing repository): ${tokenHint}`);
  if (response.status === 403) return new DownloadError('gated', repo, `access denied with this token (gated: request access on the model page; or the token lacks read permission)`);
  return new DownloadError('http', url, `HTTP ${response.status} ${response.statusText}${hubMessage ? `: ${hubMessage}` : ''}`);
}

interface RawSibling {
  rfilename?: unknown;
  size?: unknown;
  blobId?: unknown;
  lfs?: { sha256?: unknown; size?: unknown } | null;
}

export async function fetchRepoInfo(connection: HubConnection, repo: string, revision: string): Promise<RepoInfo> {
  checkRepoId(repo);
  const url = repoInfoUrl(connection.endpoint, repo, revision);
  const response = await hubGet(url, connection, { accept: 'application/json' });
  if (!response.ok) throw await responseError(response, url, repo, revision);
  let json: { id?: unknown; sha?: unknown; gated?: unknown; siblings?: unknown };
  try {
    json = (await response.json()) as typeof json;
  } catch {
    throw new DownloadError('http', url, 'the Hub answered with something that is not JSON (is --endpoint a Hub?)');
  }
  if (!Array.isArray(json.siblings)) throw new DownloadError('http', url, "the answer has no 'siblings' file list");
  const files = (json.siblings as RawSibling[]).flatMap((sibling): RepoFile[] => {
    if (typeof sibling.rfilename !== 'string') return [];
    const lfs = sibling.lfs ?? undefined;
    const size = typeof lfs?.size === 'number' ? lfs.size : typeof sibling.size === 'number' ? sibling.size : undefined;
    return [{
      path: sibling.rfilename,
      size,
      sha256: typeof lfs?.sha256 === 'string' ? lfs.sha256.toLowerCase() : undefined,
      blobId: !lfs && typeof sibling.blobId === 'string' ? sibling.blobId.toLowerCase() : undefined,
    }];
  });
  const commit = typeof json.sha === 'string' && /^[0-9a-f]{40}$/.test(json.sha) ? json.sha : revision;
  return { id: typeof json.id === 'string' ? json.id : repo, commit, gated: json.gated !== undefined && json.gated !== false && json.gated !== null, files };
}
