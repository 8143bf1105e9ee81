// Previewing in the real extension host against the real engine worker: "Preview Example" on a record opens a diff
// editor whose right side holds exactly the generated text (left: the expected response), and "Score Dataset with
// Run" scores every record with a run (here a full fine-tune result: a copy of the tiny model in RUN_DIR/model), and
// "Compare Base vs Fine-Tuned" on selected records saves both replies in RUN_DIR/compare-*.jsonl (the copy equals its
// base, so greedy replies must match), and on preference pairs with a DPO-trained LoRA run (`finetune train
// --objective dpo`) saves each model's scores and the reward margins, which agree with `finetune eval --run`.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';
import { cleanRecords, extension, openDataset, setWorkspaceSetting, waitFor, workspaceFolder, writeDataset } from './helpers';

function tinyModel(): string {
  const model = join(workspaceFolder(), 'models', 'tiny-preview');
  if (existsSync(join(model, 'config.json'))) return model;
  const cli = join(extension().extensionPath, 'dist', 'cli.js');
  const created = spawnSync(process.execPath, [cli, 'init-model', '--arch', 'llama', '--size', 'tiny', '--out', model], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  assert.equal(created.status, 0, `finetune init-model failed: ${created.stderr}`);
  return model;
}

test('Preview Example opens a diff: expected on the left, the generated text on the right', async () => {
  await extension().activate();
  const model = tinyModel();
  await setWorkspaceSetting('baseModel', model);
  await setWorkspaceSetting('preview.maxNewTokens', 16);
  await setWorkspaceSetting('preview.temperature', 0);
  const records = cleanRecords(3);
  const uri = writeDataset('preview.jsonl', records);
  await openDataset(uri);
  const result = await vscode.commands.executeCommand<{ generated: string } | undefined>('finetune.previewExample', uri, 1);
  assert.ok(result, 'the preview ran');
  const diff = await waitFor('a diff tab of preview documents', () =>
    vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .map((tab) => tab.input)
      .find((input): input is vscode.TabInputTextDiff => input instanceof vscode.TabInputTextDiff && input.modified.scheme === 'finetune-preview'),
  );
  const text = async (uri: vscode.Uri) => (await vscode.workspace.openTextDocument(uri)).getText();
  assert.equal(await text(diff.original), records[1].messages[1].content);
  // The document follows the provider's change events (coalesced): allow them a moment to land.
  let shown = '';
  for (let attempt = 0; attempt < 50 && shown !== result.generated; attempt++) {
    shown = await text(diff.modified);
    if (shown !== result.generated) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(shown, result.generated);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 120_000);

test('Score Dataset with Run writes per-example losses for every record', async () => {
  const model = tinyModel();
  const runDir = join(workspaceFolder(), '.finetune', 'runs', 'full-preview');
  mkdirSync(runDir, { recursive: true });
  cpSync(model, join(runDir, 'model'), { recursive: true });
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: { model, method: 'full', maxSeqLen: 256 } }));
  const uri = writeDataset('score.jsonl', cleanRecords(6));
  await openDataset(uri);
  const result = await vscode.commands.executeCommand<{ records: number; out: string } | undefined>('finetune.scoreDatasetWithRun', uri, runDir);
  assert.ok(result, 'scoring ran');
  assert.equal(result.records, 6);
  const lines = readFileSync(result.out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; loss: number });
  assert.deepEqual(lines.map((entry) => entry.line), [1, 2, 3, 4, 5, 6]);
  assert.ok(lines.every((entry) => entry.loss > 0));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 120_000);

test('Compare Base vs Fine-Tuned saves both replies for the selected records', async () => {
  const model = tinyModel();
  const runDir = join(workspaceFolder(), '.finetune', 'runs', 'full-preview');
  if (!existsSync(join(runDir, 'model'))) {
    mkdirSync(runDir, { recursive: true });
    cpSync(model, join(runDir, 'model'), { recursive: true });
    writeFileSync(join(runDir, 'run.json'), JSON.stringify({ version: 1, status: 'done', config: { model, method: 'full', maxSeqLen: 256 } }));
  }
  const records = cleanRecords(3);
  const uri = writeDataset('compare.jsonl', records);
  const editor = await openDataset(uri);
  editor.selection = new vscode.Selection(1, 0, 2, 5);
  const file = await vscode.commands.executeCommand<string | undefined>('finetune.compareBaseVsTuned', uri, runDir);
  assert.ok(file, 'the comparison ran');
  assert.match(basename(file), /^compare-.*\.jsonl$/);
  const entries = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; expected: string; base: { text: string }; tuned: { text: string } });
  assert.deepEqual(entries.map((entry) => entry.line), [2, 3]);
  assert.deepEqual(entries.map((entry) => entry.expected), [records[1].messages[1].content, records[2].messages[1].content]);
  for (const entry of entries) assert.equal(entry.tuned.text, entry.base.text);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 120_000);

/** Runs the packaged CLI without blocking the extension host (training takes seconds). */
function cliAsync(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const cli = join(extension().extensionPath, 'dist', 'cli.js');
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`finetune ${args[0]} failed: ${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    ),
  );
}

test('Compare Base vs Fine-Tuned on preference pairs shows which side each model prefers, as `finetune eval` scores them', async () => {
  const model = tinyModel();
  const facts: Array<[string, string]> = [
    ['What is the capital of France?', 'Paris.'],
    ['What color is the sky?', 'Blue.'],
    ['How many legs does a cat have?', 'Four.'],
    ['What do bees make?', 'Honey.'],
    ['What is ice made of?', 'Water.'],
    ['Which animal barks?', 'A dog.'],
  ];
  // TRL's explicit-prompt form (message lists and strings); rejected: another question's answer
  const records = facts.map(([question, answer], index) => {
    const wrong = `${facts[(index + 2) % facts.length][1]} Maybe.`;
    return index % 2 === 0 ? { prompt: [{ role: 'user', content: question }], chosen: [{ role: 'assistant', content: answer }], rejected: [{ role: 'assistant', content: wrong }] } : { prompt: question, chosen: answer, rejected: wrong };
  });
  const uri = writeDataset('pairs.jsonl', records);
  const runDir = join(workspaceFolder(), '.finetune', 'runs', 'dpo-preview');
  await cliAsync(['train', '--model', model, '--data', uri.fsPath, '--out', runDir, '--method', 'lora', '--objective', 'dpo', '--beta', '0.2', '--steps', '15', '--lr', '0.01', '--rank', '4', '--alpha', '8', '--target-modules', 'q_proj,v_proj,lm_head', '--batch-size', '6', '--max-seq-len', '128', '--save-every', '0', '--threads', '1', '--device', 'cpu']);
  assert.ok(existsSync(join(runDir, 'adapter', 'adapter_config.json')), 'the dpo run wrote its adapter');

  const editor = await openDataset(uri);
  editor.selection = new vscode.Selection(0, 0, records.length, 0);
  const file = await vscode.commands.executeCommand<string | undefined>('finetune.compareBaseVsTuned', uri, runDir);
  assert.ok(file, 'the comparison ran');
  type Scores = { chosen: number; rejected: number };
  const entries = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; expected: string; base?: unknown; preference: { rejected: string; base: Scores; tuned: Scores; beta: number; margin: number; error?: string } });
  assert.deepEqual(entries.map((entry) => entry.line), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(entries.map((entry) => [entry.expected, entry.preference.rejected]), facts.map(([, answer], index) => [answer, `${facts[(index + 2) % facts.length][1]} Maybe.`]));
  for (const entry of entries) {
    assert.equal(entry.preference.error, undefined, `line ${entry.line}: ${entry.preference.error}`);
    assert.equal(entry.base, undefined, 'pairs are scored, not generated');
    for (const side of [entry.preference.base, entry.preference.tuned]) assert.ok(side.chosen < 0 && side.rejected < 0 && side.chosen !== side.rejected, JSON.stringify(side));
    assert.equal(entry.preference.beta, 0.2);
    const { base, tuned } = entry.preference;
    assert.ok(Math.abs(entry.preference.margin - 0.2 * (tuned.chosen - base.chosen - (tuned.rejected - base.rejected))) < 1e-9);
  }
  // the engine's own reading of the same run and pairs, in another process
  const report = JSON.parse((await cliAsync(['eval', '--run', runDir, '--data', uri.fsPath, '--json', '--max-seq-len', '128', '--device', 'cpu'])).stdout) as { pairs: number; margin: number; rewardsAccuracy: number; policyPrefersChosen: number; beta: number };
  assert.equal(report.pairs, entries.length);
  assert.equal(report.beta, 0.2);
  const mean = entries.reduce((sum, entry) => sum + entry.preference.margin, 0) / entries.length;
  assert.ok(Math.abs(mean - report.margin) < 1e-5 * Math.max(1, Math.abs(report.margin)), `mean margin ${mean} vs eval's ${report.margin}`);
  assert.equal(entries.filter((entry) => entry.preference.margin > 0).length / entries.length, report.rewardsAccuracy);
  assert.equal(entries.filter((entry) => entry.preference.tuned.chosen > entry.preference.tuned.rejected).length / entries.length, report.policyPrefersChosen);
  assert.ok(mean > 0, `dpo moved the model toward the chosen answers (mean margin ${mean})`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}, 240_000);
