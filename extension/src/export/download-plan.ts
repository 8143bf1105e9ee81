// The pure part of "Download Base Model…" (no vscode imports): reading what the user typed as a repository, the
// default folder, the `finetune download` arguments, the CLI's JSON progress lines, and the baseModel setting value.
import * as path from 'node:path';
import type { DownloadErrorCode } from '../../../engine/src/download/hub-client';
import type { DownloadProgress } from '../../../engine/src/download/progress';

export interface RepoReference {
  repo: string;
  revision?: string;
}

const REPO = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** `owner/name`, `owner/name@rev`, or a model page URL (`…/owner/name` or `…/owner/name/tree/rev`); else undefined. */
export function parseRepoReference(typed: string): RepoReference | undefined {
  let text = typed.trim();
  let revision: string | undefined;
  const url = /^https?:\/\/[^/]+\/(.+)$/.exec(text);
  if (url) {
    const parts = url[1].replace(/[?#].*$/, '').replace(/\/+$/, '').split('/');
    if (parts.length < 2) return undefined;
    text = `${parts[0]}/${parts[1]}`;
    if ((parts[2] === 'tree' || parts[2] === 'blob' || parts[2] === 'resolve') && parts[3]) revision = decodeURIComponent(parts[3]);
  } else {
    const at = text.lastIndexOf('@');
    if (at > 0) {
      revision = text.slice(at + 1) || undefined;
      text = text.slice(0, at);
    }
  }
  if (!REPO.test(text) || text.includes('..')) return undefined;
  return { repo: text, revision };
}

export function defaultModelFolder(workspaceFolder: string, repo: string): string {
  return path.join(workspaceFolder, 'models', repo.split('/').pop()!);
}

export interface DownloadRequest {
  repo: string;
  revision?: string;
  out: string;
  endpoint?: string;
}

/** Arguments of `finetune download`; the token travels in HF_TOKEN (never on a command line others can read). */
export function downloadCliArgs(request: DownloadRequest): string[] {
  const args = ['download', request.repo, '--out', path.resolve(request.out), '--progress', 'json', '--json'];
  if (request.revision) args.push('--revision', request.revision);
  if (request.endpoint) args.push('--endpoint', request.endpoint);
  return args;
}

export type CliProgressLine =
  | ({ type: 'progress' } & DownloadProgress)
  | { type: 'log'; message: string }
  | { type: 'error'; code: DownloadErrorCode; message: string };

/** A `--progress json` line of stderr, or undefined for anything else (the CLI's plain error line). */
export function parseProgressLine(line: string): CliProgressLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Partial<CliProgressLine>;
    if (value.type === 'progress' && typeof value.done === 'number' && typeof value.total === 'number') return value as CliProgressLine;
    if ((value.type === 'log' || value.type === 'error') && typeof value.message === 'string') return value as CliProgressLine;
  } catch {
    // not ours
  }
  return undefined;
}

/** The `finetune.baseModel` value for a folder: relative to the workspace folder when inside it (portable). */
export function baseModelSettingValue(folder: string, workspaceFolder: string | undefined): string {
  if (!workspaceFolder) return folder;
  const relative = path.relative(workspaceFolder, folder);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : folder;
}
