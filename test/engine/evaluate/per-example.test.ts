// Per-example loss on the tiny model: each record's loss equals minus the mean log-probability of its trained tokens
// (checked against the independent token-logprobs graph), and after a short LoRA run on a consistent pattern a
// deliberately corrupted record scores highest; `finetune eval --run` writes RUN_DIR/per-example-loss.jsonl.
// (The tiny model's head is random: LoRA on lm_head as well lets 25 steps learn the pattern.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { command as evalCommand } from '../../../cli/src/commands/eval';
import { loadScoringFile } from '../../../engine/src/evaluate/dataset';
import { PER_EXAMPLE_LOSS_FILE, readLossFile } from '../../../engine/src/evaluate/loss-file';
import { scoreExamples } from '../../../engine/src/evaluate/per-example';
import { scoreTokens } from '../../../engine/src/generate/score';
import { initModel } from '../../../engine/src/init/init-model';
import { loadModelFolder, type ModelFolder } from '../../../engine/src/io/model-folder';
import { resolveTrainingArguments } from '../../../contracts/src/training-arguments';
import { train } from '../../../engine/src/train/loop';

const COLORS = ['red', 'blue', 'green', 'black', 'white', 'pink', 'gray', 'brown', 'gold', 'cyan', 'teal', 'lime'];
const record = (question: string, answer: string) => JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }] });
/** Every answer follows one pattern: the model learns it quickly, so a record that breaks it stands out. */
const consistent = COLORS.map((color) => record(`Say the color ${color}.`, `The color is ${color}.`));
const CORRUPTED_LINE = 5; // 0-based
const corrupted = record('Say the color plum.', 'zq vk 9x jw pf qq xz');

let dir: string;
let folder: ModelFolder;
let scoredFile: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-eval-'));
  initModel({ arch: 'llama', size: 'tiny', out: join(dir, 'model'), seed: 3 });
  folder = loadModelFolder(join(dir, 'model'));
  writeFileSync(join(dir, 'train.jsonl'), `${consistent.join('\n')}\n`);
  const lines = [...consistent.slice(0, 8)];
  lines.splice(CORRUPTED_LINE, 0, corrupted);
  scoredFile = join(dir, 'scored.jsonl');
  // a blank line and an unparseable one: line numbers must still be the file's
  writeFileSync(scoredFile, `${lines.slice(0, 3).join('\n')}\n\n{"messages": [\n${lines.slice(3).join('\n')}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('each record scores minus the mean log-probability of its trained tokens', async () => {
  const data = await loadScoringFile(scoredFile, folder.tokenizer!, 512);
  assert.equal(data.records, 9);
  assert.equal(data.unparsed, 1);
  const result = await scoreExamples(folder, data.examples, { device: 'cpu', batchSize: 4 });
  assert.deepEqual(result.losses.map((entry) => entry.line), [0, 1, 2, 5, 6, 7, 8, 9, 10]);
  for (const example of data.examples.slice(0, 3)) {
    const reference = await scoreTokens(folder, example.ids, { device: 'cpu' });
    let sum = 0;
    let count = 0;
    for (let position = 1; position < example.ids.length; position++) {
      if (!example.trainedMask[position]) continue;
      sum -= reference.logprobs[position]!;
      count++;
    }
    const mine = result.losses.find((entry) => entry.line === example.line)!;
    assert.equal(mine.tokens, count);
    assert.ok(Math.abs(mine.loss - sum / count) < 1e-4, `line ${example.line}: ${mine.loss} vs ${sum / count}`);
  }
  const weighted = result.losses.reduce((total, entry) => total + entry.loss * entry.tokens, 0) / result.targetTokens;
  assert.ok(Math.abs(result.meanLoss - weighted) < 1e-5);
  assert.ok(Math.abs(result.perplexity - Math.exp(result.meanLoss)) < 1e-6);
});

test('after a short LoRA run on the pattern, the corrupted record scores highest', async () => {
  const runDir = join(dir, 'run');
  const args = resolveTrainingArguments([{ model: join(dir, 'model'), data: join(dir, 'train.jsonl'), out: runDir, method: 'lora', targetModules: ['q_proj', 'v_proj', 'lm_head'], batchSize: 12, lr: 1e-2, rank: 8, alpha: 16, steps: 25, threads: 1, saveEvery: 0, device: 'cpu', evalFraction: 0 }]);
  const trained = await train(args);
  assert.equal(trained.status, 'done');

  const log = console.log;
  const errors = console.error;
  console.log = () => {};
  console.error = () => {};
  let code: number;
  try {
    code = await evalCommand.run(['--run', runDir, '--data', scoredFile, '--per-example', '--device', 'cpu']);
  } finally {
    console.log = log;
    console.error = errors;
  }
  assert.equal(code, 0);
  const lines = readFileSync(join(runDir, PER_EXAMPLE_LOSS_FILE), 'utf8').trim().split('\n').map((text) => JSON.parse(text) as { line: number; loss: number; tokens: number });
  // 1-based lines in the file; the corrupted record sits on 0-based line CORRUPTED_LINE + 2 (blank + unparseable before it)
  const corruptedFileLine = CORRUPTED_LINE + 2 + 1;
  const highest = lines.reduce((best, entry) => (entry.loss > best.loss ? entry : best));
  assert.equal(highest.line, corruptedFileLine);
  const others = lines.filter((entry) => entry.line !== corruptedFileLine).map((entry) => entry.loss);
  assert.ok(highest.loss > 2 * Math.max(...others), `corrupted ${highest.loss} vs others up to ${Math.max(...others)}`);
  const losses = readLossFile(join(runDir, PER_EXAMPLE_LOSS_FILE));
  assert.equal(losses.get(corruptedFileLine - 1), highest.loss);
});
