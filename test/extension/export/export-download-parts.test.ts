// The pure parts of "Export Run…" and "Download Base Model…" (no VS Code): the formats a run offers, output folder
// checks, the CLI arguments — run for real through runCli on a tiny LoRA run, so the real `finetune export` accepts
// them and the merged folder loads; a cancelled export leaves no temporary folder behind — and reading what the
// user typed as a repository, the CLI's JSON progress lines and the baseModel setting value.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveRunTarget } from '../../../engine/src/evaluate/run-target';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder } from '../../../engine/src/io/model-folder';
import { writeSafetensors } from '../../../engine/src/io/safetensors-writer';
import { adapterConfig, adapterTensorName } from '../../../engine/src/train/export';
import { failureMessage, runCli } from '../../../extension/src/export/cli-process';
import { baseModelSettingValue, defaultModelFolder, downloadCliArgs, parseProgressLine, parseRepoReference } from '../../../extension/src/export/download-plan';
import { checkExportFolder, defaultExportFolder, exportCliArgs, exportTemporaryFolder, formatChoices } from '../../../extension/src/export/export-plan';
import { cliBundle } from '../../cli/cli-bundle';

const CLI = cliBundle();
let dir: string;
let base: string;
let loraRun: string;
let fullRun: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-export-parts-'));
  base = join(dir, 'base');
  initModel({ arch: 'llama', size: 'tiny', out: base, seed: 2 });
  const folder = loadModelFolder(base);
  loraRun = join(dir, 'runs', 'lora');
  mkdirSync(join(loraRun, 'adapter'), { recursive: true });
  writeFileSync(join(loraRun, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: { model: base, method: 'lora' }, output: 'adapter' }));
  writeFileSync(join(loraRun, 'adapter', 'adapter_config.json'), JSON.stringify(adapterConfig({ baseModel: base, rank: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'], rslora: false })));
  const tensors = folder.weights.names().filter((name) => name.endsWith('q_proj.weight')).flatMap((name) => {
    const [out, inFeatures] = folder.weights.info(name).shape;
    const module = name.slice(0, -'.weight'.length);
    return [
      { name: adapterTensorName(module, 'lora_A'), dtype: 'F32' as const, shape: [2, inFeatures], data: new Float32Array(2 * inFeatures).fill(0.01) },
      { name: adapterTensorName(module, 'lora_B'), dtype: 'F32' as const, shape: [out, 2], data: new Float32Array(out * 2).fill(0.02) },
    ];
  });
  writeSafetensors(join(loraRun, 'adapter', 'adapter_model.safetensors'), tensors, { format: 'pt' });
  fullRun = join(dir, 'runs', 'full');
  initModel({ arch: 'llama', size: 'tiny', out: join(fullRun, 'model'), seed: 2 });
  writeFileSync(join(fullRun, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: { model: base, method: 'full' }, output: 'model' }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('formats: a LoRA run offers merged, ONNX and the adapter; a full run no adapter copy', () => {
  assert.deepEqual(formatChoices(resolveRunTarget(loraRun)).map((choice) => choice.format), ['hf', 'onnx', 'adapter']);
  assert.deepEqual(formatChoices(resolveRunTarget(fullRun)).map((choice) => choice.format), ['hf', 'onnx']);
});

test('output folders: the default sits in the run; the run itself and its results are refused', () => {
  assert.equal(defaultExportFolder(loraRun, 'onnx'), join(loraRun, 'export-onnx'));
  assert.equal(checkExportFolder(loraRun, join(loraRun, 'export-hf')), undefined);
  assert.equal(checkExportFolder(loraRun, join(dir, 'elsewhere')), undefined);
  for (const bad of [loraRun, join(loraRun, 'adapter'), join(loraRun, 'checkpoints', 'x'), join(dir, 'runs'), join(loraRun, 'run.json')]) {
    assert.notEqual(checkExportFolder(loraRun, bad), undefined, bad);
  }
});

test('exportCliArgs: base, adapter, format, dtype only for hf; a full run exports its model folder', () => {
  const lora = resolveRunTarget(loraRun);
  assert.deepEqual(exportCliArgs({ runDir: loraRun, format: 'hf', out: '/x/out', dtype: 'float16', force: true }, lora),
    ['export', '--model', base, '--adapter', join(loraRun, 'adapter'), '--out', '/x/out', '--format', 'hf', '--dtype', 'float16', '--force']);
  assert.deepEqual(exportCliArgs({ runDir: fullRun, format: 'onnx', out: '/x/out', dtype: 'float16' }),
    ['export', '--model', join(fullRun, 'model'), '--out', '/x/out', '--format', 'onnx']);
  assert.throws(() => exportCliArgs({ runDir: loraRun, format: 'adapter', out: '/x' }, lora));
});

test('the arguments run the real `finetune export` in a child process; the merged folder loads', async () => {
  const out = defaultExportFolder(loraRun, 'hf');
  const run = runCli(CLI, exportCliArgs({ runDir: loraRun, format: 'hf', out, dtype: 'float16' }));
  const outcome = await run.done;
  assert.equal(outcome.code, 0, failureMessage(outcome));
  const merged = loadModelFolder(out);
  assert.equal(merged.weightDtype, 'F16');
  // Refused over a non-empty folder without --force: the CLI's message comes back without its prefix.
  const again = await runCli(CLI, exportCliArgs({ runDir: loraRun, format: 'hf', out })).done;
  assert.equal(again.code, 1);
  assert.ok(failureMessage(again).startsWith(out));
});

test('a cancelled export ends the child and writes no output folder', async () => {
  const out = join(dir, 'cancelled-onnx');
  const run = runCli(CLI, exportCliArgs({ runDir: loraRun, format: 'onnx', out }));
  run.cancel();
  const outcome = await run.done;
  assert.equal(outcome.cancelled, true);
  assert.notEqual(outcome.code, 0);
  assert.ok(!existsSync(out));
  // The name output-folder.ts gives its temporary folder (the CLI's pid), which the extension deletes on cancel.
  assert.equal(exportTemporaryFolder(out, 1234), join(dir, '.cancelled-onnx.tmp-1234'));
});

test('repository references: ids, @revision, model page URLs; anything else is refused', () => {
  assert.deepEqual(parseRepoReference(' Qwen/Qwen2.5-0.5B-Instruct '), { repo: 'Qwen/Qwen2.5-0.5B-Instruct', revision: undefined });
  assert.deepEqual(parseRepoReference('acme/tiny@v1.0'), { repo: 'acme/tiny', revision: 'v1.0' });
  assert.deepEqual(parseRepoReference('https://huggingface.co/acme/tiny'), { repo: 'acme/tiny', revision: undefined });
  assert.deepEqual(parseRepoReference('https://hf-mirror.com/acme/tiny/tree/dev?x=1'), { repo: 'acme/tiny', revision: 'dev' });
  for (const bad of ['', 'tiny', 'a/b/c', '../x/y', 'a b/c', 'https://huggingface.co/acme']) assert.equal(parseRepoReference(bad), undefined, bad);
  assert.equal(defaultModelFolder('/ws', 'acme/tiny'), join('/ws', 'models', 'tiny'));
});

test('download arguments carry no token; progress lines parse; baseModel is workspace-relative when inside', () => {
  const args = downloadCliArgs({ repo: 'acme/tiny', revision: 'dev', out: '/ws/models/tiny', endpoint: 'http://127.0.0.1:9' });
  assert.deepEqual(args, ['download', 'acme/tiny', '--out', '/ws/models/tiny', '--progress', 'json', '--json', '--revision', 'dev', '--endpoint', 'http://127.0.0.1:9']);
  assert.ok(!args.includes('--token'));
  assert.deepEqual(parseProgressLine('{"type":"progress","file":"a","done":5,"total":10,"rate":1,"etaSeconds":5}'), { type: 'progress', file: 'a', done: 5, total: 10, rate: 1, etaSeconds: 5 });
  assert.equal(parseProgressLine('{"type":"error","code":"gated","message":"m"}')?.type, 'error');
  assert.equal(parseProgressLine('finetune: acme/tiny: gated'), undefined);
  assert.equal(parseProgressLine('{"type":"progress"}'), undefined);
  assert.equal(baseModelSettingValue('/ws/models/tiny', '/ws'), 'models/tiny');
  assert.equal(baseModelSettingValue('/elsewhere/tiny', '/ws'), '/elsewhere/tiny');
  assert.equal(baseModelSettingValue('/elsewhere/tiny', undefined), '/elsewhere/tiny');
});
