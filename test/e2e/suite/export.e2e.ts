// Export and download in the real extension host: "Export Run…" on a tiny LoRA run trained by the CLI writes a
// merged Hugging Face folder (through `finetune export` in a child process) that the engine loads and scores; a
// PEFT adapter copy equals the run's adapter; "Download Base Model…" fetches a tiny model from a fake Hub on
// 127.0.0.1 (the `finetune.hubEndpoint` setting) and sets `finetune.baseModel` to it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FakeHub } from '../../engine/download/fake-hub';
import { test } from './harness';
import { cleanRecords, extension, workspaceFolder, writeDataset } from './helpers';

function cli(...args: string[]) {
  const path = join(extension().extensionPath, 'dist', 'cli.js');
  return spawnSync(process.execPath, [path, ...args], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
}

function tinyModel(name: string): string {
  const model = join(workspaceFolder(), 'models', name);
  if (existsSync(join(model, 'config.json'))) return model;
  const created = cli('init-model', '--arch', 'llama', '--size', 'tiny', '--out', model);
  assert.equal(created.status, 0, `finetune init-model failed: ${created.stderr}`);
  return model;
}

function trainedLoraRun(): string {
  const runDir = join(workspaceFolder(), '.finetune', 'runs', 'lora-export');
  if (existsSync(join(runDir, 'adapter', 'adapter_config.json'))) return runDir;
  rmSync(runDir, { recursive: true, force: true });
  const data = writeDataset('export-train.jsonl', cleanRecords(4)).fsPath;
  const trained = cli('train', '--model', tinyModel('tiny-export'), '--data', data, '--method', 'lora', '--out', runDir, '--steps', '2', '--batch-size', '2', '--device', 'cpu');
  assert.equal(trained.status, 0, `finetune train failed: ${trained.stderr}`);
  return runDir;
}

test('Export Run… merges a LoRA run into a Hugging Face folder the engine loads', async () => {
  await extension().activate();
  const runDir = trainedLoraRun();
  const out = join(runDir, 'export-hf');
  rmSync(out, { recursive: true, force: true });
  const result = await vscode.commands.executeCommand<{ out: string; format: string } | undefined>('finetune.exportRun', vscode.Uri.file(runDir), { format: 'hf', out, dtype: 'float16', notify: false });
  assert.ok(result, 'the export ran');
  assert.equal(result.out, out);
  for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) assert.ok(existsSync(join(out, file)), file);
  assert.ok(!existsSync(join(out, 'adapter_config.json')), 'merged: no adapter left');
  assert.equal((JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { torch_dtype?: string }).torch_dtype, 'float16');
  const scored = cli('score', '--model', out, '--text', 'Hello there', '--json');
  assert.equal(scored.status, 0, scored.stderr);
  assert.ok((JSON.parse(scored.stdout) as { tokens: number[] }).tokens.length > 0);
}, 240_000);

test('Export Run… as a PEFT adapter copies the run\'s adapter', async () => {
  const runDir = trainedLoraRun();
  const out = join(runDir, 'export-adapter');
  rmSync(out, { recursive: true, force: true });
  const result = await vscode.commands.executeCommand<{ out: string } | undefined>('finetune.exportRun', runDir, { format: 'adapter', out, notify: false });
  assert.ok(result);
  for (const file of ['adapter_config.json', 'adapter_model.safetensors']) {
    assert.ok(readFileSync(join(out, file)).equals(readFileSync(join(runDir, 'adapter', file))), file);
  }
}, 60_000);

test('Download Base Model… fetches from the configured Hub and sets finetune.baseModel', async () => {
  const hub = new FakeHub();
  await hub.start();
  try {
    hub.addFolder('acme/tiny-download', tinyModel('tiny-export'));
    await vscode.workspace.getConfiguration('finetune').update('hubEndpoint', hub.endpoint, vscode.ConfigurationTarget.Global);
    const out = join(workspaceFolder(), 'models', 'tiny-download');
    rmSync(out, { recursive: true, force: true });
    const result = await vscode.commands.executeCommand<{ out: string; architecture: string } | undefined>('finetune.downloadModel', { repo: 'acme/tiny-download', out, setBaseModel: true });
    assert.ok(result, 'the download ran');
    assert.equal(result.architecture, 'llama');
    assert.ok(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(tinyModel('tiny-export'), 'model.safetensors'))));
    assert.ok(hub.requests.some((request) => request.path.startsWith('/api/models/acme/tiny-download/')));
    assert.equal(vscode.workspace.getConfiguration('finetune').get('baseModel'), 'models/tiny-download');
  } finally {
    await vscode.workspace.getConfiguration('finetune').update('hubEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('finetune').update('baseModel', undefined, vscode.ConfigurationTarget.Workspace);
    await hub.stop();
  }
}, 120_000);
