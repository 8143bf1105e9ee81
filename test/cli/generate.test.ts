// `finetune generate` through the built CLI (run `npm run build` first) on a tiny model made by init-model.
import { finetune } from './finetune-cli';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel } from '../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../engine/src/io/model-folder';


interface JsonResult {
  text: string;
  tokens: number[];
  finishReason: string;
  promptTokens: number;
  device: string;
}

let root: string;
let modelDir: string;
let folder: ModelFolder;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'finetune-generate-cli-'));
  modelDir = join(root, 'model');
  initModel({ arch: 'llama', size: 'tiny', out: modelDir, seed: 4 });
  folder = loadModelFolder(modelDir);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('greedy generation streams the same text that --json reports', () => {
  const args = ['generate', '--model', modelDir, '--prompt', 'Once upon a time', '--max-new-tokens', '12', '--temperature', '0', '--device', 'cpu'];
  const json = finetune(...args, '--json');
  assert.equal(json.status, 0, json.stderr);
  const result = JSON.parse(json.stdout) as JsonResult;
  assert.equal(result.device, 'cpu');
  assert.equal(result.promptTokens, folder.tokenizer!.encode('Once upon a time', { addSpecialTokens: true }).length);
  assert.ok(result.tokens.length >= 1 && result.tokens.length <= 12);
  assert.equal(result.text, folder.tokenizer!.decode(result.tokens, { skipSpecialTokens: true }));
  const streamed = finetune(...args);
  assert.equal(streamed.status, 0, streamed.stderr);
  assert.equal(streamed.stdout, `${result.text}\n`);
});

test('--seed makes sampling reproducible; --chat renders the prompt through the chat template', () => {
  const args = ['generate', '--model', modelDir, '--prompt', 'Tell me a story', '--chat', '--max-new-tokens', '10', '--temperature', '1', '--top-p', '0.9', '--device', 'cpu', '--json'];
  const first = JSON.parse(finetune(...args, '--seed', '11').stdout) as JsonResult;
  const again = JSON.parse(finetune(...args, '--seed', '11').stdout) as JsonResult;
  assert.deepEqual(first.tokens, again.tokens);
  const rendered = folder.tokenizer!.renderChat([{ role: 'user', content: 'Tell me a story', trained: false }], { addGenerationPrompt: true });
  assert.equal(first.promptTokens, folder.tokenizer!.encode(rendered).length);
  assert.ok(['stop-token', 'max-new-tokens'].includes(first.finishReason));
});

test('generate refuses bad flags with exit code 1', () => {
  assert.equal(finetune('generate', '--model', modelDir, '--prompt', 'x', '--temperature', 'hot').status, 1);
  assert.equal(finetune('generate', '--model', modelDir, '--prompt', 'x', '--top-p', '1.5').status, 1);
  assert.equal(finetune('generate', '--model', modelDir).status, 1);
});
