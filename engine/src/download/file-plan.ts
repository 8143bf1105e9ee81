// Which files of a Hub repository a fine-tuning base needs: config, generation config, tokenizer files, chat
// template, and the safetensors weights (the shards an index names, else model.safetensors). Only top-level files:
// subfolders hold other formats (onnx/, original/, gguf). Pickle weights are never fetched: unpickling runs code.
import { INDEX_FILE } from '../io/model-folder';
import { DownloadError, type RepoFile } from './hub-client';

export const SIDE_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'chat_template.json',
] as const;

const PICKLE_SUFFIXES = ['.bin', '.pt', '.pth', '.ckpt', '.pkl'];

export interface FilePlan {
  /** Files to fetch before the weights are known (the side files, and the index if any). */
  metadata: RepoFile[];
  /** model.safetensors, or undefined when the index decides (see shardsFromIndex). */
  weights: RepoFile[];
  /** Whether the weights are sharded: the shards come from the index's weight_map once it is downloaded. */
  sharded: boolean;
  /** Pickle weight files present in the repository and left out. */
  skippedPickle: string[];
}

/**
 * Whether a Hub file name is one plain path component, so `join(out, name)` stays inside the model folder on every
 * platform: no '/' or backslash (both separate on Windows), not '.' or '..', no ':' (a drive or an NTFS stream) or NUL.
 */
export function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\:\0]/.test(name);
}

/** Refuses a file name that could write outside the model folder (`..\..\evil.safetensors` from a hostile index). */
export function assertPlainFileName(repo: string, name: string): void {
  if (!isPlainFileName(name)) throw new DownloadError('unsafe-file-name', repo, `the file name ${JSON.stringify(name)} is not a plain file name (a path separator or '..'); refusing to write it`);
}

export function isPickleWeights(path: string): boolean {
  return PICKLE_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

export function planFiles(repo: string, files: RepoFile[]): FilePlan {
  const topLevel = files.filter((file) => !file.path.includes('/'));
  const byPath = new Map(topLevel.map((file) => [file.path, file]));
  const skippedPickle = topLevel.filter((file) => isPickleWeights(file.path)).map((file) => file.path);
  const index = byPath.get(INDEX_FILE);
  const single = byPath.get('model.safetensors');
  if (!index && !single) {
    if (skippedPickle.length > 0) {
      throw new DownloadError('pickle-only', repo,
        `only pickle weights (${skippedPickle.join(', ')}): they are not downloaded, since loading them can run arbitrary code. ` +
        'Use a repository with safetensors weights (often the same model under another owner), or convert it: ' +
        'AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True) in Python');
    }
    const other = topLevel.filter((file) => file.path.endsWith('.safetensors')).map((file) => file.path);
    throw new DownloadError('no-safetensors', repo,
      `no model.safetensors or ${INDEX_FILE} at the top of the repository${other.length ? ` (found ${other.join(', ')}, not in the Hugging Face layout)` : ''}`);
  }
  if (!byPath.has('config.json')) throw new DownloadError('no-safetensors', repo, 'no config.json at the top of the repository: not a Transformers model');
  const metadata = SIDE_FILES.flatMap((name) => byPath.get(name) ?? []);
  if (index) metadata.push(index);
  return { metadata, weights: index ? [] : [single!], sharded: Boolean(index), skippedPickle };
}

/** The shard files an index names, checked against the repository listing (a missing shard fails before fetching). */
export function shardsFromIndex(repo: string, indexText: string, files: RepoFile[]): RepoFile[] {
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(indexText) as { weight_map?: unknown }).weight_map;
  } catch {
    throw new DownloadError('no-safetensors', `${repo}/${INDEX_FILE}`, 'not valid JSON');
  }
  if (!weightMap || typeof weightMap !== 'object') throw new DownloadError('no-safetensors', `${repo}/${INDEX_FILE}`, "no 'weight_map' object");
  const byPath = new Map(files.map((file) => [file.path, file]));
  const shards = [...new Set(Object.values(weightMap as Record<string, unknown>).map(String))].sort();
  return shards.map((shard) => {
    assertPlainFileName(`${repo}/${INDEX_FILE}`, shard);
    const file = byPath.get(shard);
    if (!file || !shard.endsWith('.safetensors')) {
      throw new DownloadError('no-safetensors', `${repo}/${INDEX_FILE}`, `names the shard '${shard}', which the repository does not hold at the top level`);
    }
    return file;
  });
}
