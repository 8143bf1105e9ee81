// `downloadModel` against a fake Hub on 127.0.0.1: a tiny init-model folder arrives byte-identical and loads; the
// token reaches the Hub but not the CDN it redirects to; a dropped connection resumes with a Range request (in the
// same run, and from a `.part` left by an earlier run); gated, missing, pickle-only repositories and a wrong
// checksum fail with their codes; an index's shards are fetched and a second run fetches nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { downloadModel, type DownloadOptions } from '../../../engine/src/download/download-model';
import { partPath } from '../../../engine/src/download/file-transfer';
import { DownloadError, type DownloadErrorCode } from '../../../engine/src/download/hub-client';
import { initModel } from '../../../engine/src/init/init-model';
import { INDEX_FILE, loadModelFolder } from '../../../engine/src/io/model-folder';
import { writeModelSafetensors } from '../../../engine/src/io/safetensors-writer';
import { FakeHub } from './fake-hub';

let dir: string;
let model: string;
let hub: FakeHub;
let counter = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-download-'));
  model = join(dir, 'tiny');
  initModel({ arch: 'llama', size: 'tiny', out: model, seed: 3 });
  hub = new FakeHub();
  await hub.start();
  hub.addFolder('acme/tiny', model, { 'README.md': Buffer.from('# tiny\n'), 'pytorch_model.bin': Buffer.from('not downloaded') });
  hub.addFolder('acme/gated', model, {}, { gatedToken: 'hf_secret' });
  hub.addRepo('acme/pickle', new Map([['config.json', readFileSync(join(model, 'config.json'))], ['pytorch_model.bin', Buffer.alloc(64)]]));
  hub.addFolder('acme/wrong-sha', model, {}, { wrongSha256: new Set(['model.safetensors']) });
  hub.addFolder('acme/drop', model);
  hub.addFolder('acme/drop-again', model);
  // A sharded copy of the same weights: three shards and an index.
  const sharded = join(dir, 'sharded');
  initModel({ arch: 'llama', size: 'tiny', out: sharded, seed: 3 });
  rmSync(join(sharded, 'model.safetensors'));
  const weights = loadModelFolder(model).weights;
  const shards = writeModelSafetensors(sharded, weights.names().map((name) => ({ name, dtype: 'F32' as const, shape: weights.info(name).shape, data: weights.readFloat32(name) })), statSync(join(model, 'model.safetensors')).size / 3);
  assert.ok(shards.length >= 3, 'the sharded fixture has several shards');
  hub.addFolder('acme/sharded', sharded, { 'extra-not-in-index.safetensors': Buffer.alloc(16) });
  // An index that places a shard at a Windows path outside the folder; the listing holds that name at the top level.
  const evilName = '..\\..\\..\\evil.safetensors';
  const evilIndex = Buffer.from(JSON.stringify({ metadata: {}, weight_map: { 'model.embed_tokens.weight': evilName } }));
  const evil = new Map([['config.json', readFileSync(join(model, 'config.json'))], [INDEX_FILE, evilIndex], [evilName, readFileSync(join(model, 'model.safetensors'))]]);
  hub.addRepo('acme/evil-shard', evil);
  hub.addFolder('acme/oversized', model);
});

after(async () => {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});

function options(repo: string, extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return { repo, out: join(dir, `out-${++counter}`), endpoint: hub.endpoint, retryDelayMs: 10, ...extra };
}

async function rejectsWith(promise: Promise<unknown>, code: DownloadErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DownloadError, `expected a DownloadError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

function sameFile(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}

test('downloads config, tokenizer and weights byte-identical, skips pickle and README, and the folder loads', async () => {
  const progress: number[] = [];
  const result = await downloadModel(options('acme/tiny', { onProgress: (p) => progress.push(p.done) }));
  assert.equal(result.architecture, 'llama');
  assert.deepEqual(result.skippedPickle, ['pytorch_model.bin']);
  assert.deepEqual([...result.files].sort(), ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  for (const file of result.files) assert.ok(sameFile(join(result.out, file), join(model, file)), file);
  assert.ok(!existsSync(join(result.out, 'pytorch_model.bin')) && !existsSync(join(result.out, 'README.md')));
  assert.equal(result.commit, hub.repos.get('acme/tiny')!.commit);
  // Files come from the resolved commit, not the moving branch.
  assert.ok(hub.requestsFor('/config.json').some((request) => request.path.includes(`/resolve/${result.commit}/`)));
  const total = result.files.reduce((sum, file) => sum + statSync(join(model, file)).size, 0);
  assert.equal(progress.at(-1), total);
  assert.equal(result.bytesReceived, total);
});

test('the token goes to the Hub but not to the CDN the weights redirect to; gated without it fails', async () => {
  await rejectsWith(downloadModel(options('acme/gated')), 'gated');
  await rejectsWith(downloadModel(options('acme/gated', { token: 'wrong' })), 'gated');
  const before = hub.requests.length;
  const result = await downloadModel(options('acme/gated', { token: 'hf_secret' }));
  assert.ok(sameFile(join(result.out, 'model.safetensors'), join(model, 'model.safetensors')));
  const requests = hub.requests.slice(before);
  assert.ok(requests.filter((request) => request.server === 'hub').every((request) => request.authorization === 'Bearer hf_secret'));
  const cdn = requests.filter((request) => request.server === 'cdn');
  assert.ok(cdn.length > 0, 'the weights came through the redirect');
  assert.ok(cdn.every((request) => request.authorization === undefined), 'no token sent to another origin');
});

test('a dropped connection resumes with a Range request in the same run', async () => {
  const size = statSync(join(model, 'model.safetensors')).size;
  const cut = Math.floor(size / 3);
  hub.drops.set('model.safetensors', { afterBytes: cut, times: 1 });
  const result = await downloadModel(options('acme/drop'));
  hub.drops.delete('model.safetensors');
  assert.ok(sameFile(join(result.out, 'model.safetensors'), join(model, 'model.safetensors')));
  // The client keeps what reached the disk before the drop (bytes still queued in the stream are lost, as on a real
  // network), and asks for the rest from exactly there.
  const starts = hub.requests.filter((request) => request.server === 'cdn' && request.range).map((request) => Number(/bytes=(\d+)-/.exec(request.range!)![1]));
  assert.equal(starts.length, 1, 'one resumed request');
  assert.ok(starts[0] > 0 && starts[0] <= cut, `resumed from ${starts[0]}, the server cut at ${cut}`);
  assert.ok(!existsSync(partPath(join(result.out, 'model.safetensors'))));
});

test('an interrupted run leaves a .part that the next run continues', async () => {
  const size = statSync(join(model, 'model.safetensors')).size;
  const cut = Math.floor(size / 2);
  hub.drops.set('model.safetensors', { afterBytes: cut, times: 1 });
  const first = options('acme/drop-again', { attempts: 1 });
  await rejectsWith(downloadModel(first), 'network');
  const part = partPath(join(first.out, 'model.safetensors'));
  const kept = statSync(part).size;
  assert.ok(kept > 0 && kept <= cut, `kept ${kept} of the ${cut} bytes sent`);
  assert.ok(!existsSync(join(first.out, 'model.safetensors')), 'no half file under the final name');
  const before = hub.requests.length;
  const second = await downloadModel({ ...first, attempts: 5 });
  assert.deepEqual(second.resumed, ['model.safetensors']);
  assert.ok(second.skipped.includes('config.json'), 'complete files are not fetched again');
  assert.equal(second.bytesReceived, size - kept);
  assert.ok(hub.requests.slice(before).some((request) => request.range === `bytes=${kept}-`));
  assert.ok(sameFile(join(second.out, 'model.safetensors'), join(model, 'model.safetensors')));
});

test('an index brings exactly its shards; a second run fetches nothing', async () => {
  const first = options('acme/sharded');
  const result = await downloadModel(first);
  const index = JSON.parse(readFileSync(join(result.out, INDEX_FILE), 'utf8')) as { weight_map: Record<string, string> };
  const shards = [...new Set(Object.values(index.weight_map))].sort();
  assert.deepEqual(result.files.filter((file) => file.endsWith('.safetensors')), shards);
  assert.ok(!existsSync(join(result.out, 'extra-not-in-index.safetensors')));
  assert.equal(loadModelFolder(result.out).weights.files.length, shards.length);
  const again = await downloadModel(first);
  assert.equal(again.bytesReceived, 0);
  assert.deepEqual(again.skipped, again.files);
});

test('pickle-only, missing repository or revision, wrong checksum and a foreign folder fail with their codes', async () => {
  const pickle = options('acme/pickle');
  await rejectsWith(downloadModel(pickle), 'pickle-only');
  assert.ok(!existsSync(pickle.out), 'nothing written');
  await rejectsWith(downloadModel(options('acme/absent')), 'repo-not-found');
  await rejectsWith(downloadModel(options('acme/tiny', { revision: 'v9' })), 'revision-not-found');
  await rejectsWith(downloadModel(options('not a repo id')), 'bad-repo-id');
  const wrong = options('acme/wrong-sha');
  await rejectsWith(downloadModel(wrong), 'checksum-mismatch');
  assert.ok(!existsSync(join(wrong.out, 'model.safetensors')) && !existsSync(partPath(join(wrong.out, 'model.safetensors'))));
  const foreign = options('acme/tiny');
  writeFileSync(join(dir, 'marker'), '');
  await rejectsWith(downloadModel({ ...foreign, out: dir }), 'destination-not-empty');
});

test('a shard named with backslashes or .. is refused before anything is fetched for it, on every platform', async () => {
  const evil = options('acme/evil-shard');
  await rejectsWith(downloadModel(evil), 'unsafe-file-name');
  assert.deepEqual(hub.requestsFor('evil.safetensors'), [], 'never requested');
  assert.ok(!readdirSync(evil.out).some((name) => name.includes('evil')), 'nothing written under any name');
});

test('a body longer than the listed size is cut at the size: the junk after it never reaches the disk', async () => {
  hub.oversized.add('model.safetensors');
  try {
    const result = await downloadModel(options('acme/oversized'));
    const file = join(result.out, 'model.safetensors');
    assert.ok(sameFile(file, join(model, 'model.safetensors')), 'the listed bytes, verified by sha256');
    // The client hung up at the size; the server would have sent 64 MiB more (what the old code wrote to disk).
    assert.ok((hub.junkSent.get('model.safetensors') ?? 0) < 16 * 1024 * 1024, `junk sent before the hang-up: ${hub.junkSent.get('model.safetensors')}`);
  } finally {
    hub.oversized.delete('model.safetensors');
  }
});
