// `finetune download`: a Hub model repository's config, tokenizer and safetensors weights into a folder, resumable
// and verified, then loaded once with loadModelFolder so the user learns at once whether this engine can train it.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../io/atomic-write';
import { join, resolve } from 'node:path';
import { loadModelFolder } from '../io/model-folder';
import { parameterCount } from '../io/tensor-layout';
import { assertPlainFileName, planFiles, shardsFromIndex } from './file-plan';
import { isAlreadyDownloaded, transferFile } from './file-transfer';
import { DEFAULT_HUB_ENDPOINT, DownloadError, fetchRepoInfo, resolveUrl, type HubConnection, type RepoFile } from './hub-client';
import { ProgressTracker, type DownloadProgress } from './progress';

/** Written into the folder: which repository and commit it holds (a later run resumes only the same repository). */
// No .json suffix: exports copy a model folder's *.json side files, and this one describes only the download.
export const DOWNLOAD_RECORD = '.finetune-download';

export interface DownloadOptions {
  repo: string;
  out: string;
  revision?: string;
  endpoint?: string;
  token?: string;
  /** Allow a non-empty folder that holds something else (its files of the same names are replaced). */
  force?: boolean;
  signal?: AbortSignal;
  /** Tries per file (network errors resume from the `.part`). Default 5. */
  attempts?: number;
  retryDelayMs?: number;
  onProgress?: (progress: DownloadProgress) => void;
  /** One line per event worth telling (skipped files, resumed files). */
  log?: (line: string) => void;
}

export interface DownloadResult {
  out: string;
  repo: string;
  commit: string;
  /** Every file of the folder that came from the repository, in download order. */
  files: string[];
  /** Files already complete on disk, not fetched again. */
  skipped: string[];
  /** Files continued from a `.part`. */
  resumed: string[];
  skippedPickle: string[];
  bytesReceived: number;
  architecture: string;
  modelType: string;
  parameters: number;
}

interface DownloadRecord {
  repo: string;
  commit: string;
  revision: string;
}

export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const out = resolve(options.out);
  const revision = options.revision ?? 'main';
  const connection: HubConnection = { endpoint: options.endpoint ?? DEFAULT_HUB_ENDPOINT, token: options.token || undefined, signal: options.signal };
  const log = options.log ?? (() => undefined);
  const info = await fetchRepoInfo(connection, options.repo, revision);
  if (info.gated && !connection.token) {
    throw new DownloadError('gated', options.repo, 'gated model: accept its conditions on the model page, then pass --token or set HF_TOKEN');
  }
  const plan = planFiles(options.repo, info.files);
  checkDestination(out, options.repo, options.force ?? false);
  mkdirSync(out, { recursive: true });
  writeRecord(out, { repo: options.repo, commit: info.commit, revision });
  if (plan.skippedPickle.length > 0) log(`not downloading pickle weights: ${plan.skippedPickle.join(', ')} (safetensors are used)`);

  const tracker = new ProgressTracker(sumSizes(plan.metadata));
  const result: DownloadResult = {
    out, repo: options.repo, commit: info.commit, files: [], skipped: [], resumed: [], skippedPickle: plan.skippedPickle,
    bytesReceived: 0, architecture: '', modelType: '', parameters: 0,
  };
  let lastReport = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < 250) return;
    lastReport = now;
    options.onProgress?.(tracker.snapshot());
  };
  const fetchOne = async (file: RepoFile) => {
    assertPlainFileName(options.repo, file.path); // whatever chose the file, it lands inside `out`
    const target = join(out, file.path);
    tracker.setFile(file.path);
    result.files.push(file.path);
    if (await isAlreadyDownloaded(target, file)) {
      tracker.add(file.size ?? 0, false);
      result.skipped.push(file.path);
      report(true);
      return;
    }
    const transfer = await transferFile({
      connection, file, target, repo: options.repo, revision: info.commit,
      url: resolveUrl(connection.endpoint, options.repo, info.commit, file.path),
      attempts: options.attempts, retryDelayMs: options.retryDelayMs,
      onBytes: (count, kind) => {
        tracker.add(count, kind === 'network');
        report();
      },
    });
    result.bytesReceived += transfer.received;
    if (transfer.resumedFrom > 0) {
      result.resumed.push(file.path);
      log(`resumed ${file.path} from byte ${transfer.resumedFrom}`);
    }
    report(true);
  };

  for (const file of plan.metadata) await fetchOne(file);
  const weights = plan.sharded ? shardsFromIndex(options.repo, readFileSync(join(out, 'model.safetensors.index.json'), 'utf8'), info.files) : plan.weights;
  tracker.setTotal(sumSizes([...plan.metadata, ...weights]));
  for (const file of weights) await fetchOne(file);

  try {
    const folder = loadModelFolder(out);
    result.architecture = folder.config.arch;
    result.modelType = folder.config.modelType;
    result.parameters = parameterCount(folder.config);
  } catch (error) {
    throw new DownloadError('unsupported-model', out, `downloaded, but this engine cannot use it: ${error instanceof Error ? error.message : String(error)}`);
  }
  return result;
}

function sumSizes(files: RepoFile[]): number {
  return files.reduce((total, file) => total + (file.size ?? 0), 0);
}

/** A folder that is empty, absent, or an earlier (possibly interrupted) download of the same repository. */
function checkDestination(out: string, repo: string, force: boolean): void {
  if (!existsSync(out) || force) return;
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  const record = readRecord(out);
  if (record?.repo === repo) return;
  throw new DownloadError('destination-not-empty', out,
    record ? `holds a download of ${record.repo}; choose another folder or pass --force` : 'folder is not empty; choose another folder or pass --force');
}

function readRecord(out: string): DownloadRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(out, DOWNLOAD_RECORD), 'utf8')) as DownloadRecord;
  } catch {
    return undefined;
  }
}

function writeRecord(out: string, record: DownloadRecord): void {
  writeJsonAtomic(join(out, DOWNLOAD_RECORD), record);
}
