// The pure parts of downloading: which repository files are fetched (top-level config, tokenizer and safetensors;
// never pickle or subfolders) and the progress figures (rate over a window, ETA, resumed bytes not counted as speed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlainFileName, planFiles, shardsFromIndex } from '../../../engine/src/download/file-plan';
import { DownloadError } from '../../../engine/src/download/hub-client';
import { formatProgress, ProgressTracker } from '../../../engine/src/download/progress';

const file = (path: string, size = 10) => ({ path, size });

test('planFiles takes side files and model.safetensors, leaves pickle, subfolders and extras', () => {
  const plan = planFiles('a/b', ['config.json', 'tokenizer.json', 'README.md', 'model.safetensors', 'pytorch_model.bin', 'onnx/model.onnx', 'original/consolidated.safetensors', 'chat_template.jinja'].map((p) => file(p)));
  assert.deepEqual(plan.metadata.map((f) => f.path), ['config.json', 'tokenizer.json', 'chat_template.jinja']);
  assert.deepEqual(plan.weights.map((f) => f.path), ['model.safetensors']);
  assert.deepEqual(plan.skippedPickle, ['pytorch_model.bin']);
  assert.equal(plan.sharded, false);
});

test('planFiles: an index makes the plan sharded; the shards come from its weight_map', () => {
  const files = ['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors'].map((p) => file(p));
  const plan = planFiles('a/b', files);
  assert.equal(plan.sharded, true);
  assert.deepEqual(plan.weights, []);
  assert.ok(plan.metadata.some((f) => f.path === 'model.safetensors.index.json'));
  const index = JSON.stringify({ weight_map: { x: 'model-00002-of-00002.safetensors', y: 'model-00001-of-00002.safetensors', z: 'model-00001-of-00002.safetensors' } });
  assert.deepEqual(shardsFromIndex('a/b', index, files).map((f) => f.path), ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  const missing = JSON.stringify({ weight_map: { x: 'model-00003-of-00003.safetensors' } });
  assert.throws(() => shardsFromIndex('a/b', missing, files), (error: unknown) => error instanceof DownloadError && error.code === 'no-safetensors');
});

test('isPlainFileName: one path component on every platform (no / or \\, no .., no drive or stream colon)', () => {
  for (const name of ['model.safetensors', 'model-00001-of-00002.safetensors', 'weird..name.safetensors', '.hidden']) assert.ok(isPlainFileName(name), name);
  for (const name of ['', '.', '..', 'a/b.safetensors', '..\\..\\..\\evil.safetensors', 'sub\\x.safetensors', 'C:evil.safetensors', 'x\0y']) assert.ok(!isPlainFileName(name), name);
  const index = JSON.stringify({ weight_map: { x: '..\\evil.safetensors' } });
  assert.throws(() => shardsFromIndex('a/b', index, [file('..\\evil.safetensors')]), (error: unknown) => error instanceof DownloadError && error.code === 'unsafe-file-name');
});

test('planFiles refuses pickle-only repositories and ones without the HF layout', () => {
  for (const [paths, code] of [
    [['config.json', 'pytorch_model.bin'], 'pickle-only'],
    [['config.json', 'model.pt'], 'pickle-only'],
    [['config.json', 'consolidated.safetensors'], 'no-safetensors'],
    [['model.safetensors'], 'no-safetensors'],
  ] as const) {
    assert.throws(() => planFiles('a/b', paths.map((p) => file(p))), (error: unknown) => error instanceof DownloadError && error.code === code, paths.join());
  }
});

test('ProgressTracker: rate over the window, ETA from it, resumed bytes are progress but not speed', () => {
  let now = 0;
  const tracker = new ProgressTracker(1000, () => now);
  tracker.add(400, false); // found in a .part
  now = 1000;
  tracker.add(100);
  now = 2000;
  tracker.add(100);
  const snapshot = tracker.snapshot();
  assert.equal(snapshot.done, 600);
  assert.equal(snapshot.rate, 100);
  assert.equal(snapshot.etaSeconds, 4);
  now = 20_000; // older samples leave the window
  tracker.add(300);
  assert.equal(tracker.snapshot().rate, 300 / 18);
  const line = { file: 'model.safetensors', done: 600, total: 1000, rate: 100 };
  assert.match(formatProgress({ ...line, etaSeconds: 3725 }), /ETA 1:02:05 /);
  assert.match(formatProgress({ ...line, etaSeconds: undefined }), /ETA --:-- /);
});
